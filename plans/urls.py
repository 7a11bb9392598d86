from django.urls import path

from . import import_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_current, name="plan_current"),
    path("<int:year>/", views.plan_overview, name="plan_overview"),
    path("<int:year>/draft-next-year/", views.plan_draft_next_year, name="plan_draft_next_year"),
    path("<int:year>/summary.docx", views.plan_summary, name="plan_summary"),
    path("<int:year>/publish/", views.plan_publish, name="plan_publish"),
    path("import-text/", views.plan_import_text, name="plan_import_text"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/filter-options/<str:name>/", views.measure_filter_options, name="measure_filter_options"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/supervision/", views.measure_supervision, name="measure_supervision"),
    path("measures/<int:pk>/comments/", views.measure_comment, name="measure_comment"),
    path("measures/<int:pk>/checkpoints/", views.checkpoint_add, name="checkpoint_add"),
    path("checkpoints/<int:pk>/done/", views.checkpoint_done, name="checkpoint_done"),
    path("measures/<int:pk>/reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    # Excel import and export of measures (plans/import_views.py)
    path("measures/export/", import_views.measure_export, name="measure_export"),
    path("measures/import/", import_views.measure_import, name="measure_import"),
    path("measures/import/confirm/", import_views.measure_import_confirm, name="measure_import_confirm"),
]
