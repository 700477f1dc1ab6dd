from django.urls import path

from . import imports, views

urlpatterns = [
    path("", views.home, name="home"),
    path("import/", imports.import_view, name="import"),
]
