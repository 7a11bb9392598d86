from django.urls import path

from . import import_views, views

app_name = "monitoring"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("alarms/", views.alarm_list, name="alarm_list"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("education/", views.education, name="education"),
    # Excel / CSV import and export of the monitoring platform's exports (monitoring/import_views.py)
    path("alarms/export/", import_views.alarm_export, name="alarm_export"),
    path("alarms/import/", import_views.alarm_import, name="alarm_import"),
    path("alarms/import/confirm/", import_views.alarm_import_confirm, name="alarm_import_confirm"),
    path("mileage/export/", import_views.mileage_export, name="mileage_export"),
    path("mileage/import/", import_views.mileage_import, name="mileage_import"),
    path("mileage/import/confirm/", import_views.mileage_import_confirm, name="mileage_import_confirm"),
]
