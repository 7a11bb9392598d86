from django.contrib import admin

from core.admin import MonthlyReviewAdmin, ServiceModelAdmin

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


class ListingInline(admin.TabularInline):
    model = ProjectListing
    extra = 0


class FundingInline(admin.TabularInline):
    model = FundingSource
    extra = 0


class PlanInline(admin.TabularInline):
    model = InvestmentPlan
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


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


class ReadOnlyInline(admin.TabularInline):
    """A month's parts, recorded with it on its page: shown here, not changed."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BlockerInline(ReadOnlyInline):
    model = Blocker
    fields = readonly_fields = ["category", "description"]


class PhotoInline(ReadOnlyInline):
    model = ProgressPhoto
    fields = readonly_fields = ["original_name", "size", "uploaded_by", "uploaded_at"]


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
