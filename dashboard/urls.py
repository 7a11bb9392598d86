from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("briefing.<str:file_format>", views.briefing_download, name="briefing"),
]
