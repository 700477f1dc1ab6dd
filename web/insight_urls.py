from django.urls import path

from .screens import insight as views

app_name = "insight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:chart>.csv", views.chart_csv, name="csv"),
]
