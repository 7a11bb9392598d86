"""Writes of the safety app. Every door (pages, admin, imports, inspections, later the API) calls these, so each
rule and each permission check is made once. Each service runs in a transaction under the acting user, so the
audit history records who made the change.

The workflow (``choices.TRANSITIONS``): 待整改 → 整改中 → 待验收 → 已销号, and a failed verification back to 整改中.
A step not allowed from the hazard's status raises ``IllegalTransition`` (a ValidationError); a step the user may
not take raises ``PermissionDenied`` (``FourEyesViolation`` when the rectification's reporter tries to verify it).
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import set_actor
from core.uploads import check_photo, stored_file_create

from .choices import TRANSITIONS, HazardAction, HazardStatus, PhotoKind
from .models import Hazard, HazardCodeCounter, HazardPhoto, HazardTransition, hazard_code
from .querysets import may_register

#: The register data and five fixes a user gives when registering or editing a hazard (never its status).
REGISTER_FIELDS = (
    "field",
    "level",
    "source",
    "location",
    "township",
    "enterprise",
    "project",
    "vehicle",
    "description",
    "found_on",
    "responsible_unit",
    "responsible_person",
    "measures",
    "funds",
    "deadline",
    "contingency_plan",
)

# Which rule of ``querysets.hazard_rule`` guards each step.
_RULE = {
    HazardAction.START: "start",
    HazardAction.REPORT: "report",
    HazardAction.SIGN_OFF: "sign_off",
    HazardAction.PASS: "verify",
    HazardAction.FAIL: "verify",
}


class IllegalTransition(ValidationError):
    """The hazard's status does not allow this step (e.g. verifying a hazard still awaiting rectification)."""


class FourEyesViolation(PermissionDenied):
    """The person who reported a rectification tried to verify it."""


# Codes ------------------------------------------------------------------------------------------------------


class CodeAllocator:
    """Hands out hazard codes inside one transaction: each year's counter row is locked (select_for_update) the
    first time a code of that year is taken, numbers are counted on in memory, and ``flush()`` writes the counters
    back. A rolled-back transaction takes its numbers back with it, so codes stay gap-free per year."""

    def __init__(self):
        self._counters: dict[int, HazardCodeCounter] = {}

    def take(self, year: int) -> str:
        counter = self._counters.get(year)
        if counter is None:
            HazardCodeCounter.objects.bulk_create([HazardCodeCounter(year=year)], ignore_conflicts=True)
            counter = HazardCodeCounter.objects.select_for_update().get(year=year)
            self._counters[year] = counter
        counter.last_number += 1
        return hazard_code(year, counter.last_number)

    def flush(self) -> None:
        for counter in self._counters.values():
            counter.save(update_fields=["last_number"])


# Photos -----------------------------------------------------------------------------------------------------


def _save_photos(*, user, hazard: Hazard, kind: str, photos: Sequence) -> list[HazardPhoto]:
    return [
        stored_file_create(model=HazardPhoto, upload=upload, user=user, hazard=hazard, kind=kind) for upload in photos
    ]


# Register ---------------------------------------------------------------------------------------------------


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(REGISTER_FIELDS)
    if unknown:
        raise ValueError(f"not register fields: {sorted(unknown)}")


def hazard_register(*, user, photos: Sequence = (), **fields) -> Hazard:
    """Any bureau user registers a hazard (状态 待整改) with its five fixes and photos as found; the system gives it
    the next code of its found date's year."""
    _check_fields(fields)
    if not may_register(user):
        raise PermissionDenied(_("You may not register hazards."))
    for upload in photos:
        check_photo(upload)
    hazard = Hazard(**fields, found_by=user, status=HazardStatus.PENDING)
    hazard.full_clean(exclude=["code"])
    with set_actor(user), transaction.atomic():
        allocator = CodeAllocator()
        hazard.code = allocator.take(hazard.found_on.year)
        allocator.flush()
        hazard.save()
        _save_photos(user=user, hazard=hazard, kind=PhotoKind.FOUND, photos=photos)
    return hazard


def hazard_update(*, user, hazard: Hazard, photos: Sequence = (), **changes) -> Hazard:
    """Change an open hazard's register data and five fixes (never its status); add photos as found."""
    _check_fields(changes)
    if not Hazard.objects.restrict(user, "change").filter(pk=hazard.pk).exists():
        raise PermissionDenied(_("You may not change this hazard."))
    for upload in photos:
        check_photo(upload)
    with set_actor(user), transaction.atomic():
        hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
        year = hazard.found_on.year
        for name, value in changes.items():
            setattr(hazard, name, value)
        if hazard.found_on and hazard.found_on.year != year:
            raise ValidationError(
                {"found_on": _("The found date must stay in %(year)s, the year of the code.") % {"year": year}}
            )
        hazard.full_clean()
        hazard.save()
        _save_photos(user=user, hazard=hazard, kind=PhotoKind.FOUND, photos=photos)
    return hazard


# Workflow ---------------------------------------------------------------------------------------------------


def check_transition(*, user, hazard: Hazard, action: str) -> None:
    """Raise if ``user`` may not take step ``action`` on ``hazard`` now: IllegalTransition for the status (and the
    rules of the step), PermissionDenied for the person."""
    if not Hazard.objects.restrict(user).filter(pk=hazard.pk).exists():
        raise PermissionDenied(_("You may not see this hazard."))
    sources, _target = TRANSITIONS[action]
    if hazard.status not in sources:
        raise IllegalTransition(
            _("A hazard that is “%(status)s” cannot take the step “%(action)s”.")
            % {"status": hazard.get_status_display(), "action": HazardAction(action).label}
        )
    if action == HazardAction.SIGN_OFF:
        if not hazard.is_major:
            raise IllegalTransition(_("Only major hazards need a leader's sign-off."))
        if hazard.signed_off_at is not None:
            raise IllegalTransition(_("This hazard is already signed off."))
        if not user.is_leader:
            raise PermissionDenied(_("Only bureau leaders sign off major hazards."))
    if action in (HazardAction.PASS, HazardAction.FAIL) and hazard.rectification_reported_by_id == user.pk:
        raise FourEyesViolation(_("The person who reported the rectification cannot verify it."))
    if not Hazard.objects.restrict(user, _RULE[action]).filter(pk=hazard.pk).exists():
        raise PermissionDenied(_("You may not take this step on this hazard."))


def _transition(*, user, hazard: Hazard, action: str, note: str, apply=None) -> Hazard:
    """Lock the hazard, check the step, apply it (``apply(locked, now)`` sets the step's own fields), record the
    transition."""
    with set_actor(user), transaction.atomic():
        locked = Hazard.objects.select_for_update().get(pk=hazard.pk)
        check_transition(user=user, hazard=locked, action=action)
        now = timezone.now()
        from_status = locked.status
        locked.status = TRANSITIONS[action][1]
        if apply is not None:
            apply(locked, now)
        locked.full_clean()
        locked.save()
        step = HazardTransition(
            hazard=locked, action=action, from_status=from_status, to_status=locked.status, by=user, at=now, note=note
        )
        step.full_clean()
        step.save()
    return locked


def hazard_start_rectification(*, user, hazard: Hazard, note: str = "") -> Hazard:
    """The responsible unit starts rectifying (待整改 → 整改中)."""
    return _transition(user=user, hazard=hazard, action=HazardAction.START, note=note.strip())


def hazard_report_rectification(*, user, hazard: Hazard, note: str, photos: Sequence = ()) -> Hazard:
    """The responsible unit reports the rectification done (整改中 → 待验收), saying what was done, with photos."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what was done to rectify the hazard.")})
    for upload in photos:
        check_photo(upload)

    def apply(locked, now):
        locked.rectification_note = note
        locked.rectification_reported_by = user
        locked.rectification_reported_at = now
        _save_photos(user=user, hazard=locked, kind=PhotoKind.RECTIFICATION, photos=photos)

    return _transition(user=user, hazard=hazard, action=HazardAction.REPORT, note=note, apply=apply)


def hazard_sign_off(*, user, hazard: Hazard, note: str = "") -> Hazard:
    """A bureau leader signs off the rectification of a major hazard awaiting verification (the status stays)."""
    note = note.strip()

    def apply(locked, now):
        locked.signed_off_by = user
        locked.signed_off_at = now

    return _transition(user=user, hazard=hazard, action=HazardAction.SIGN_OFF, note=note, apply=apply)


def hazard_verify(*, user, hazard: Hazard, passed: bool, note: str, photos: Sequence = ()) -> Hazard:
    """Verify a reported rectification (four eyes: not by its reporter). Passed: the hazard is closed (销号); this
    needs a verification note, at least one verification photo (given now or uploaded since the rectification was
    reported) and, for a major hazard, a leader's sign-off. Failed: it goes back to 整改中 with the reason, and a
    leader signs off the next rectification again."""
    note = note.strip()
    action = HazardAction.PASS if passed else HazardAction.FAIL
    if not note:
        message = _("Write what the verification found.") if passed else _("Give the reason the verification failed.")
        raise ValidationError({"note": message})
    for upload in photos:
        check_photo(upload)

    def apply(locked, now):
        if passed:
            if locked.is_major and locked.signed_off_at is None:
                raise IllegalTransition(_("A major hazard needs a bureau leader's sign-off before it is closed."))
            earlier = locked.photos.filter(
                kind=PhotoKind.VERIFICATION, uploaded_at__gte=locked.rectification_reported_at
            ).exists()
            if not photos and not earlier:
                raise ValidationError({"photos": _("Closing a hazard needs at least one verification photo.")})
            locked.verification_note = note
            locked.closed_by = user
            locked.closed_at = now
        else:
            locked.signed_off_by = None
            locked.signed_off_at = None
        _save_photos(user=user, hazard=locked, kind=PhotoKind.VERIFICATION, photos=photos)

    return _transition(user=user, hazard=hazard, action=action, note=note, apply=apply)


def allowed_steps(hazard: Hazard) -> list[str]:
    """The steps the annotated ``hazard`` (``with_permissions(user)``) offers its user now, for the detail page."""
    steps = []
    if getattr(hazard, "may_start", False):
        steps.append(HazardAction.START)
    if getattr(hazard, "may_report", False):
        steps.append(HazardAction.REPORT)
    if getattr(hazard, "may_sign_off", False):
        steps.append(HazardAction.SIGN_OFF)
    if getattr(hazard, "may_verify", False):
        steps.append(HazardAction.PASS)
    return steps
