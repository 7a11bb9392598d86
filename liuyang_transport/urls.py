from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("organisation.urls")),
    path("plans/", include("plans.urls")),
    path("projects/", include("projects.urls")),
    path("safety/", include("safety.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("inspections/", include("inspections.urls")),
    path("public/draws/", include("inspections.public_urls")),
    path("emergency/", include("emergency.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("checklists/", include("checklists.urls")),
    path("reminders/", include("reminders.urls")),
    path("api/", include("api.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("todo/", include("todo.urls")),
    path("", include("core.urls")),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
