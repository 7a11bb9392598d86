from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("key-tasks/", views.dashboard_rows, {"section": "key_tasks"}, name="key_tasks"),
    path("units/", views.dashboard_rows, {"section": "units"}, name="units"),
    path("briefing.<str:file_format>", views.briefing_download, name="briefing"),
]
