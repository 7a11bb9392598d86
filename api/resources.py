"""The resources of API v1, in one place: their names (the URL segment and the scope a token is given), the model
each one mirrors and the field that tells when an object last changed. Views, token scopes, tombstones and the
admin's scope checkboxes all read this table."""

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Resource:
    name: str
    label: str
    model: str = ""  # "app.Model"; empty for a summary (computed, nothing to mirror)
    changed_field: str = "updated_at"

    def get_model(self):
        return apps.get_model(self.model)


RESOURCES: dict[str, Resource] = {
    resource.name: resource
    for resource in (
        Resource("work-plans", _("Work plans"), "plans.WorkPlan"),
        Resource("key-tasks", _("Key tasks"), "plans.KeyTask"),
        Resource("measures", _("Measures"), "plans.Measure"),
        Resource("checkpoints", _("Checkpoints"), "plans.Checkpoint"),
        Resource("progress-reports", _("Progress reports"), "plans.ProgressReport"),
        Resource("projects", _("Projects"), "projects.Project"),
        Resource("investment-plans", _("Annual investment plans"), "projects.InvestmentPlan"),
        Resource("milestones", _("Milestones"), "projects.Milestone"),
        Resource("monthly-progress", _("Monthly progress"), "projects.MonthlyProgress"),
        Resource("investment-summary", _("Investment summary")),
        Resource("enterprises", _("Transport enterprises"), "enterprises.Enterprise"),
        Resource("vehicles", _("Vehicles"), "enterprises.Vehicle"),
        Resource("hazards", _("Hazards"), "safety.Hazard"),
        Resource("hazard-transitions", _("Hazard transitions"), "safety.HazardTransition"),
        Resource("inspections", _("Inspections"), "inspections.Inspection"),
        # A draw is immutable (a database trigger refuses UPDATE): the time it was made is its change time.
        Resource("draws", _("Random draws"), "inspections.Draw", changed_field="made_at"),
        Resource("duty-assignments", _("Duty roster"), "emergency.DutyAssignment"),
        Resource("units", _("Units"), "organisation.Unit"),
        Resource("indicators", _("Yearly indicator summary")),
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
