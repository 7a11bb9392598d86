"""The resources of API v1, in one place: their names (the URL segment and the scope a token is given), the model
each one mirrors and the field that tells when an object last changed. Views, token scopes, tombstones and the
admin's scope checkboxes all read this table."""

from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from core.choices import REPORTED


@dataclass(frozen=True)
class Resource:
    name: str
    label: str
    model: str = ""  # "app.Model"; empty for a summary (computed, nothing to mirror)
    changed_field: str = "updated_at"
    #: what of the model a token reads (None: every row); a row that leaves it leaves a tombstone
    scope: Q | None = None

    def get_model(self):
        return apps.get_model(self.model)

    @cached_property
    def kind(self) -> str:
        """The object kind in identifiers: the model's name (``hazard``)."""
        return self.get_model()._meta.model_name

    def uid(self, pk: int) -> str:
        """The object's identifier, unique across the province's counties: ``430181:hazard:123``."""
        return f"{settings.COUNTY_CODE}:{self.kind}:{pk}"


RESOURCES: dict[str, Resource] = {
    resource.name: resource
    for resource in (
        Resource("work-plans", pgettext_lazy("API resource", "Work plans"), "plans.WorkPlan"),
        Resource("key-tasks", pgettext_lazy("API resource", "Key tasks"), "plans.KeyTask"),
        Resource("measures", pgettext_lazy("API resource", "Measures"), "plans.Measure"),
        Resource("checkpoints", pgettext_lazy("API resource", "Checkpoints"), "plans.Checkpoint"),
        Resource(
            "progress-reports",
            pgettext_lazy("API resource", "Progress reports"),
            "plans.ProgressReport",
            scope=REPORTED,
        ),
        Resource("projects", pgettext_lazy("API resource", "Projects"), "projects.Project"),
        Resource(
            "investment-plans", pgettext_lazy("API resource", "Annual investment plans"), "projects.InvestmentPlan"
        ),
        Resource("milestones", pgettext_lazy("API resource", "Milestones"), "projects.Milestone"),
        Resource(
            "monthly-progress",
            pgettext_lazy("API resource", "Monthly progress"),
            "projects.MonthlyProgress",
            scope=REPORTED,
        ),
        Resource("investment-summary", pgettext_lazy("API resource", "Investment summary")),
        Resource("enterprises", pgettext_lazy("API resource", "Transport enterprises"), "enterprises.Enterprise"),
        Resource("vehicles", pgettext_lazy("API resource", "Vehicles"), "enterprises.Vehicle"),
        Resource("hazards", pgettext_lazy("API resource", "Hazards"), "safety.Hazard"),
        Resource("hazard-transitions", pgettext_lazy("API resource", "Hazard transitions"), "safety.HazardTransition"),
        Resource("inspections", pgettext_lazy("API resource", "Inspections"), "inspections.Inspection"),
        # A draw is immutable (a database trigger refuses UPDATE): the time it was made is its change time.
        Resource("draws", pgettext_lazy("API resource", "Random draws"), "inspections.Draw", changed_field="made_at"),
        # A signed submission is frozen (a database trigger refuses UPDATE): the time it was signed is its change time.
        Resource(
            "checklist-submissions",
            pgettext_lazy("API resource", "Signed checklist submissions"),
            "checklists.Submission",
            changed_field="signed_at",
        ),
        Resource("duty-assignments", pgettext_lazy("API resource", "Duty roster"), "emergency.DutyAssignment"),
        Resource("units", pgettext_lazy("API resource", "Units"), "organisation.Unit"),
        Resource("drivers", pgettext_lazy("API resource", "Drivers"), "monitoring.Driver"),
        Resource("monitoring-figures", pgettext_lazy("API resource", "Monitoring monthly figures")),
        Resource("indicators", pgettext_lazy("API resource", "Yearly indicator summary")),
    )
}

#: Resources whose objects are mirrored (lists with updated_since, tombstones).
MIRRORED = {name: resource for name, resource in RESOURCES.items() if resource.model}


def resource_choices() -> list[tuple[str, str]]:
    return [(name, f"{resource.label} ({name})") for name, resource in RESOURCES.items()]


def resource_for_model(model) -> Resource | None:
    label = model._meta.label
    for resource in MIRRORED.values():
        if resource.model == label:
            return resource
    return None
