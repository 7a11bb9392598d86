"""Administrators define checklists and their items here; every save goes through the services (so a signed
checklist refuses a change here too). The self-check fields, the comments and the signed submissions are the
workflow's: shown, never edited."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceModelAdmin

from . import services
from .models import Checklist, ChecklistItem, EvidenceFile, ItemComment, Submission

#: The self-check, written on the item's page by the lead unit (``services.item_fill``).
SELF_CHECK_FIELDS = ["value", "self_score", "explanation", "filled_by", "filled_at"]


class ItemInline(ReadOnlyInline):
    model = ChecklistItem
    fields = ["number", "name", "target", "full_marks", "lead_unit", "source", "value", "self_score"]
    show_change_link = True


@admin.register(Checklist)
class ChecklistAdmin(ServiceModelAdmin):
    list_display = ["title", "year", "kind", "deadline", "responsible_leader"]
    list_filter = ["year", "kind"]
    list_select_related = ["responsible_leader"]
    search_fields = ["title"]
    fields = [*services.CHECKLIST_FIELDS, "is_demo"]
    readonly_fields = ["is_demo"]
    inlines = [ItemInline]

    def service_save(self, request, obj, changes: dict, writes=None):
        if obj is None:
            return services.checklist_create(user=request.user, writes=writes, **changes)
        return services.checklist_update(user=request.user, checklist=obj, writes=writes, **changes)

    def service_delete(self, request, obj) -> None:
        services.checklist_delete(user=request.user, checklist=obj)


class EvidenceInline(ReadOnlyInline):
    model = EvidenceFile
    fields = ["original_name", "size", "uploaded_by", "uploaded_at"]


class CommentInline(ReadOnlyInline):
    model = ItemComment
    fields = ["unit", "author", "text", "state", "answer", "resolved_by", "resolved_at"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ServiceModelAdmin):
    list_display = ["checklist", "number", "name", "lead_unit", "source", "figure_key", "self_score", "full_marks"]
    list_filter = ["checklist__year", "source", "lead_unit"]
    list_select_related = ["checklist", "lead_unit"]
    search_fields = ["name", "checklist__title"]
    filter_horizontal = ["responsible_units"]
    fields = ["checklist", *services.ITEM_FIELDS, "responsible_units", *SELF_CHECK_FIELDS, "is_demo"]
    readonly_fields = [*SELF_CHECK_FIELDS, "is_demo"]
    inlines = [EvidenceInline, CommentInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "checklist"]

    def service_save(self, request, obj, changes: dict, writes=None):
        if obj is None:
            return services.item_create(user=request.user, writes=writes, **changes)
        units = changes.pop("responsible_units", None)
        return services.item_update(user=request.user, item=obj, responsible_units=units, writes=writes, **changes)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    """Signed submissions: frozen, shown here, never changed or deleted."""

    deletable = False
    list_display = ["checklist", "signed_by", "signed_at", "total_score"]
    list_select_related = ["checklist", "signed_by"]
    date_hierarchy = "signed_at"
