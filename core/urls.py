from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views
from .imports import views as import_views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz/", views.healthz, name="healthz"),
    # Background import jobs (core/imports/jobs.py)
    path("imports/jobs/<int:pk>/", login_required(import_views.import_job), name="import_job"),
    path(
        "imports/jobs/<int:pk>/confirm/",
        login_required(import_views.import_job_confirm_view),
        name="import_job_confirm",
    ),
]
