from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("organisation.urls")),
    path("plans/", include("plans.urls")),
    # urls: projects
    # urls: safety
    # urls: enterprises
    # urls: inspections
    # urls: emergency
    path("", include("core.urls")),
]
