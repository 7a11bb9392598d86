from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import MonthlyReviewAdmin, PortalModelAdmin, ReadOnlyInline, ServiceModelAdmin

from . import services
from .models import (
    Checkpoint,
    KeyTask,
    Measure,
    MeasureComment,
    ProgressReport,
    ReportAttachment,
    ReportProblem,
    WorkPlan,
)


class KeyTaskInline(admin.TabularInline):
    model = KeyTask
    extra = 0


@admin.register(WorkPlan)
class WorkPlanAdmin(PortalModelAdmin):
    """A plan is published by its action (``work_plan_publish``), as by the button on its page; drafted from the
    year before on the plan's page (``plan_draft_next_year``) or imported from its text."""

    list_display = ["year", "title", "published", "published_on"]
    readonly_fields = ["published", "published_on"]
    inlines = [KeyTaskInline]
    actions = ["publish_selected"]

    @admin.action(description=gettext_lazy("Publish the selected plans"))
    def publish_selected(self, request, queryset):
        for plan in queryset:
            try:
                services.work_plan_publish(user=request.user, plan=plan)
            except ValidationError as error:
                self.message_user(request, f"{plan}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(plan)s is published.") % {"plan": plan}, messages.SUCCESS)


@admin.register(KeyTask)
class KeyTaskAdmin(PortalModelAdmin):
    list_display = ["plan", "number", "title"]
    list_filter = ["plan"]
    list_select_related = ["plan"]


class CheckpointInline(ReadOnlyInline):
    """Checkpoints are added and marked done on the measure's page (``checkpoint_create`` / ``_mark_done``)."""

    model = Checkpoint
    fields = ["title", "due_date", "done_on", "note"]


@admin.register(Measure)
class MeasureAdmin(ServiceModelAdmin):
    """Measures are added and changed through the services the pages and the plan's import call
    (``measure_create`` / ``measure_update``), with their rules and their messages."""

    list_display = ["__str__", "lead_unit", "responsible_leader", "due_date", "status", "progress"]
    list_filter = ["key_task__plan", "status", "lead_unit"]
    list_select_related = ["key_task__plan", "lead_unit", "responsible_leader"]
    search_fields = ["title", "text"]
    filter_horizontal = ["cooperating_units"]
    fields = [
        *services.MEASURE_PLAN_FIELDS, "cooperating_units", *services.MEASURE_EDITABLE_FIELDS,
        "supervised_at", "supervised_by", "supervision_note", "carried_from", "is_demo",
    ]  # fmt: skip
    # Taken from the accepted reports (progress_report_accept), set by a leader's step (measure_supervise) and when
    # the next year's plan is drafted (plan_draft_next_year).
    readonly_fields = ["progress", "supervised_at", "supervised_by", "supervision_note", "carried_from", "is_demo"]
    inlines = [CheckpointInline]

    def service_save(self, request, obj, changes: dict, writes=None):
        if obj is None:
            return services.measure_create(user=request.user, writes=writes, **changes)
        return services.measure_update(user=request.user, measure=obj, writes=writes, **changes)


class ReportProblemInline(ReadOnlyInline):
    model = ReportProblem
    fields = ["category", "description"]


class ReportAttachmentInline(ReadOnlyInline):
    model = ReportAttachment
    fields = ["original_name", "size", "uploaded_by", "uploaded_at"]


@admin.register(ProgressReport)
class ProgressReportAdmin(MonthlyReviewAdmin):
    """Reports are written and reviewed through the services (``MonthlyReviewAdmin``): read only here, accepted
    by the action, returned on their page."""

    list_display = ["__str__", "state", "progress", "author", "submitted_at", "reviewed_by"]
    # In the model's own order (MonthlyReview's fields would otherwise come first).
    fields = [
        "measure", "month", "text", "progress", "state", "author", "submitted_at", "reviewed_by", "reviewed_at",
        "return_reason",
    ]  # fmt: skip
    list_filter = ["state", "measure__lead_unit"]
    list_select_related = ["measure__key_task", "author", "reviewed_by"]
    inlines = [ReportProblemInline, ReportAttachmentInline]

    def accept(self, request, entry):
        services.progress_report_accept(user=request.user, report=entry)


@admin.register(MeasureComment)
class MeasureCommentAdmin(PortalModelAdmin):
    """Comments are written on the measure's page under their author's name (``measure_comment_add``): shown here,
    removed if need be, never added or reworded in someone's name."""

    list_display = ["measure", "author", "created_at"]
    list_select_related = ["measure__key_task", "author"]
    search_fields = ["text", "author__full_name", "author__username"]
    fields = readonly_fields = ["measure", "author", "text", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
