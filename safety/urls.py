from django.urls import path

from . import import_views, views

app_name = "safety"
urlpatterns = [
    path("", views.zero_out, name="zero_out"),
    path("hazards/", views.hazard_list, name="hazard_list"),
    path("hazards/new/", views.hazard_create, name="hazard_create"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/edit/", views.hazard_edit, name="hazard_edit"),
    path("hazards/<int:pk>/start/", views.hazard_step, {"step": "start"}, name="hazard_start"),
    path("hazards/<int:pk>/report/", views.hazard_step, {"step": "report"}, name="hazard_report"),
    path("hazards/<int:pk>/sign-off/", views.hazard_step, {"step": "sign_off"}, name="hazard_sign_off"),
    path("hazards/<int:pk>/downgrade/", views.hazard_step, {"step": "downgrade"}, name="hazard_downgrade"),
    path("hazards/<int:pk>/verify/", views.hazard_step, {"step": "verify"}, name="hazard_verify"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    # Excel import and export (safety/import_views.py)
    path("hazards/export/", import_views.hazard_export, name="hazard_export"),
    path("hazards/import/", import_views.hazard_import, name="hazard_import"),
    path("hazards/import/confirm/", import_views.hazard_import_confirm, name="hazard_import_confirm"),
    path("hazards/ledger/", import_views.ledger_import, name="ledger_import"),
    path("hazards/ledger/confirm/", import_views.ledger_import_confirm, name="ledger_import_confirm"),
]
