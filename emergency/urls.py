from django.urls import path

from . import import_views, views

app_name = "emergency"
urlpatterns = [
    path("", views.roster_current, name="roster_current"),
    path("roster/<int:year>/<int:month>/", views.roster_month_view, name="roster_month"),
    path("roster/<int:year>/<int:month>/export/", import_views.roster_export, name="roster_export"),
    path("roster/import/", import_views.roster_import, name="roster_import"),
    path("roster/import/confirm/", import_views.roster_import_confirm, name="roster_import_confirm"),
    path("roster/day/<str:day>/", views.roster_day, name="roster_day"),
    path("duties/<int:pk>/delete/", views.duty_delete, name="duty_delete"),
    path("periods/", views.period_list, name="period_list"),
    path("periods/<int:pk>/delete/", views.period_delete, name="period_delete"),
    path("drills/", views.drill_list, name="drill_list"),
    path("drills/new/", views.drill_create, name="drill_create"),
    path("drills/<int:pk>/", views.drill_detail, name="drill_detail"),
    path("drills/<int:pk>/edit/", views.drill_edit, name="drill_edit"),
    path("photos/<int:pk>/", views.drill_photo, name="drill_photo"),
    path("photos/<int:pk>/delete/", views.drill_photo_delete, name="drill_photo_delete"),
]
