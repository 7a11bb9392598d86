from django.contrib import admin

from core.admin import MonthlyReviewAdmin, ReadOnlyInline, ServiceModelAdmin

from . import services
from .models import (
    Blocker,
    FundingSource,
    InvestmentPlan,
    Milestone,
    MonthlyProgress,
    ProgressPhoto,
    Project,
    ProjectListing,
)


# A project's lists, funding rows, monthly plan and milestones are set on its page, through project_update and
# milestone_set: shown here, not changed.
class ListingInline(ReadOnlyInline):
    model = ProjectListing


class FundingInline(ReadOnlyInline):
    model = FundingSource


class PlanInline(ReadOnlyInline):
    model = InvestmentPlan


class MilestoneInline(ReadOnlyInline):
    model = Milestone


@admin.register(Project)
class ProjectAdmin(ServiceModelAdmin):
    list_display = ["name", "code", "category", "stage", "responsible_unit", "leader", "total_investment"]
    list_filter = ["category", "stage", "responsible_unit", "is_demo"]
    list_select_related = ["responsible_unit", "leader"]
    search_fields = ["name", "code", "owner_entity", "contractor"]
    fields = [*services.PROJECT_FIELDS, "townships", "measures", "is_demo"]
    readonly_fields = ["is_demo"]
    filter_horizontal = ["townships", "measures"]
    inlines = [ListingInline, FundingInline, PlanInline, MilestoneInline]

    def service_save(self, request, obj, changes: dict, writes=None):
        if obj is None:
            return services.project_create(user=request.user, writes=writes, **changes)
        return services.project_update(user=request.user, project=obj, writes=writes, **changes)


class BlockerInline(ReadOnlyInline):
    model = Blocker
    fields = ["category", "description"]


class PhotoInline(ReadOnlyInline):
    model = ProgressPhoto
    fields = ["original_name", "size", "uploaded_by", "uploaded_at"]


@admin.register(MonthlyProgress)
class MonthlyProgressAdmin(MonthlyReviewAdmin):
    """Monthly progress is recorded and reviewed through the services (``MonthlyReviewAdmin``): read only here,
    accepted by the action, returned on its page."""

    list_display = ["__str__", "state", "investment", "physical_progress", "author", "submitted_at", "reviewed_by"]
    # In the model's own order (MonthlyReview's fields would otherwise come first).
    fields = [
        "project", "month", "investment", "physical_progress", "narrative", "over_total_reason", "state", "author",
        "submitted_at", "reviewed_by", "reviewed_at", "return_reason", "is_demo",
    ]  # fmt: skip
    list_filter = ["state", "project__responsible_unit"]
    list_select_related = ["project", "author", "reviewed_by"]
    inlines = [BlockerInline, PhotoInline]

    def accept(self, request, entry):
        services.progress_accept(user=request.user, progress=entry)
