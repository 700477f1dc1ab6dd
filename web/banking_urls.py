from django.urls import path

from .screens import banking as views

app_name = "banking"
urlpatterns = [
    path("", views.statements, name="statements"),
    path("statements/<int:pk>/", views.statement, name="statement"),
    path("lines/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("lines/<int:pk>/reject/", views.reject, name="reject"),
]
