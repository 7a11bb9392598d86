from django.urls import path

from . import import_views, views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("new/", views.enterprise_create, name="enterprise_create"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/listing/", views.enterprise_listing, name="enterprise_listing"),
    path("vehicles/", views.vehicle_list, name="vehicle_list"),
    path("vehicles/new/", views.vehicle_create, name="vehicle_create"),
    path("vehicles/<int:pk>/", views.vehicle_detail, name="vehicle_detail"),
    path("vehicles/<int:pk>/edit/", views.vehicle_edit, name="vehicle_edit"),
    # Excel import and export (enterprises/import_views.py)
    path("export/", import_views.enterprise_export, name="enterprise_export"),
    path("import/", import_views.enterprise_import, name="enterprise_import"),
    path("import/confirm/", import_views.enterprise_import_confirm, name="enterprise_import_confirm"),
    path("vehicles/export/", import_views.vehicle_export, name="vehicle_export"),
    path("vehicles/import/", import_views.vehicle_import, name="vehicle_import"),
    path("vehicles/import/confirm/", import_views.vehicle_import_confirm, name="vehicle_import_confirm"),
]
