from django.urls import path

from . import import_views, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("filter-options/<str:name>/", views.project_filter_options, name="filter_options"),
    path("new/", views.project_create, name="project_create"),
    path("summary/", views.investment_summary, name="investment_summary"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/milestones/", views.milestones_edit, name="milestones_edit"),
    path("<int:pk>/progress/new/", views.progress_create, name="progress_create"),
    path("progress/<int:pk>/", views.progress_detail, name="progress_detail"),
    path("progress/<int:pk>/edit/", views.progress_edit, name="progress_edit"),
    path("progress/<int:pk>/submit/", views.progress_submit, name="progress_submit"),
    path("progress/<int:pk>/review/", views.progress_review, name="progress_review"),
    path("photos/<int:pk>/", views.photo_download, name="photo_download"),
    # Excel import and export (projects/import_views.py)
    path("export/", import_views.project_export, name="project_export"),
    path("import/", import_views.project_import, name="project_import"),
    path("import/confirm/", import_views.project_import_confirm, name="project_import_confirm"),
    path("progress/export/", import_views.progress_export, name="progress_export"),
    path("progress/import/", import_views.progress_import, name="progress_import"),
    path("progress/import/confirm/", import_views.progress_import_confirm, name="progress_import_confirm"),
]
