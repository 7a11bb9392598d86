from django.urls import path

from . import views

app_name = "checklists"
urlpatterns = [
    path("", views.checklist_list, name="checklist_list"),
    path("<int:pk>/", views.checklist_detail, name="checklist_detail"),
    path("<int:pk>/sign/", views.checklist_sign, name="checklist_sign"),
    path("<int:pk>/export.xlsx", views.submission_export, name="submission_export"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/fill/", views.item_fill, name="item_fill"),
    path("items/<int:pk>/comment/", views.comment_add, name="comment_add"),
    path("comments/<int:pk>/resolve/", views.comment_resolve, name="comment_resolve"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
]
