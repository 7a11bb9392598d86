"""What of the hazard register awaits a user, declared to the to-do (``todo.registry``): the hazards whose next step
is theirs by ``querysets.hazard_rule`` — to start and to rectify (the responsible unit's members), to verify (the
responsible unit's head and the safety-supervising unit, never the rectification's reporter), to sign off (a leader,
for the units they oversee and those overseen by nobody) — and the overdue hazards of their unit (a leader's: of
their overseen units) whose step is somebody else's."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from todo.registry import Group, TodoLine, TodoSource, days_late

from .choices import HazardStatus
from .models import Hazard
from .querysets import WORKFLOW_ACTIONS, hazard_rule


def _steps(action: str):
    def items(user, today):
        if not (user.is_unit_member or (action == "sign_off" and user.is_leader)):
            return None
        hazards = Hazard.objects.restrict(user, action)
        if action == "sign_off":
            hazards = hazards.filter(
                Q(responsible_unit__overseeing_leader_id=user.pk) | Q(responsible_unit__overseeing_leader__isnull=True)
            )
        return hazards.select_related("responsible_unit").order_by("deadline", "pk")

    return items


def _line(hazard, today):
    return TodoLine(
        title=f"{hazard.code} {hazard.location} · {hazard.responsible_unit}",
        url=reverse("safety:hazard_detail", args=[hazard.pk]) + "#steps",
        date=hazard.deadline,
        date_label=_("Deadline"),
        overdue_days=days_late(hazard.deadline, today) if hazard.status in HazardStatus.open() else 0,
    )


def hazards_overdue(user, today):
    if user.is_unit_member:
        units = Q(responsible_unit_id=user.unit_id)
    elif user.is_leader:
        units = Q(responsible_unit__overseeing_leader_id=user.pk)
    else:
        return None
    hazards = Hazard.objects.restrict(user).overdue(today).filter(units)
    for action in WORKFLOW_ACTIONS:  # those in a step group already
        rule = hazard_rule(user, action)
        if rule is not None:
            hazards = hazards.exclude(rule)
    return hazards.select_related("responsible_unit").order_by("deadline", "pk")


def _hazard_list(**query):
    def url(user):
        params = dict(query)
        if user.is_unit_member:
            params["unit"] = user.unit_id
        return reverse("safety:hazard_list") + "?" + "&".join(f"{key}={value}" for key, value in params.items())

    return url


SOURCES = [
    TodoSource(
        key="safety.start",
        group=Group.HAZARDS,
        label=gettext_lazy("Hazards to start rectifying"),
        items=_steps("start"),
        line=_line,
        more_url=_hazard_list(status=HazardStatus.PENDING),
    ),
    TodoSource(
        key="safety.report",
        group=Group.HAZARDS,
        label=gettext_lazy("Hazards being rectified: report the rectification"),
        items=_steps("report"),
        line=_line,
        more_url=_hazard_list(status=HazardStatus.RECTIFYING),
    ),
    TodoSource(
        key="safety.verify",
        group=Group.HAZARDS,
        label=gettext_lazy("Hazards to verify"),
        items=_steps("verify"),
        line=_line,
        more_url=lambda user: reverse("safety:hazard_list") + f"?status={HazardStatus.VERIFYING}",
    ),
    TodoSource(
        key="safety.sign_off",
        group=Group.HAZARDS,
        label=gettext_lazy("Major hazards to sign off"),
        items=_steps("sign_off"),
        line=_line,
        more_url=lambda user: reverse("safety:hazard_list") + f"?status={HazardStatus.VERIFYING}&level=major",
    ),
    TodoSource(
        key="safety.overdue",
        group=Group.OVERDUE,
        label=gettext_lazy("Overdue hazards"),
        items=hazards_overdue,
        line=_line,
        more_url=_hazard_list(overdue="true"),
    ),
]
