"""Writes of the safety app. Every door (pages, admin, imports, inspections, later the API) calls these, so each
rule and each permission check is made once. Each service runs in a transaction under the acting user, so the
audit history records who made the change.

The workflow (``choices.TRANSITIONS``): 待整改 → 整改中 → 待验收 → 已销号, and a failed verification back to 整改中.
A step not allowed from the hazard's status raises ``IllegalTransition`` (a ValidationError); a step the user may
not take raises ``PermissionDenied`` (``FourEyesViolation`` when the rectification's reporter tries to verify it).
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core import clock
from core.audit import set_actor
from core.uploads import check_photo, stored_file_create
from core.writes import Writes, check_editable
from events.choices import EventKind
from events.services import candidates, event_raise, who_may
from organisation.models import User

from .choices import TRANSITIONS, HazardAction, HazardLevel, HazardStatus, PhotoKind
from .models import Hazard, HazardCodeCounter, HazardLedger, HazardPhoto, HazardTransition, hazard_code
from .querysets import may_import_ledger, may_register

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


def check_register_rules(hazard: Hazard, *, changed=None, code_year: int | None = None, was_major=False) -> None:
    """The rules of a hazard's register data, for every door (page, API, admin, import): found not in the future,
    found in the year of its code (``code_year``, for a hazard that has one), the deadline not before the found
    date, funds not negative, the vehicle one of the enterprise's, and a major hazard (``was_major``) not made
    general by an edit. ``changed``: the fields being changed (None: all, a new hazard)."""
    errors = {}
    if was_major and not hazard.is_major:
        errors["level"] = _("A major hazard is downgraded only by a bureau leader, with a reason, on its page.")
    found_on = hazard.found_on
    if found_on and (changed is None or "found_on" in changed):
        if found_on > clock.today():
            errors["found_on"] = _("A hazard cannot be found in the future.")
        elif code_year is not None and found_on.year != code_year:
            errors["found_on"] = _("The found date must stay in %(year)s, the year of the code.") % {"year": code_year}
    if found_on and hazard.deadline and hazard.deadline < found_on and "found_on" not in errors:
        errors["deadline"] = _("The deadline must not be before the date the hazard was found.")
    if hazard.funds is not None and hazard.funds < 0:
        errors["funds"] = _("Funds must not be negative.")
    if hazard.vehicle_id and hazard.enterprise_id and hazard.vehicle.enterprise_id != hazard.enterprise_id:
        errors["vehicle"] = _("This vehicle belongs to another enterprise.")
    if errors:
        raise ValidationError(errors)


def _assign_codes(hazards: list[Hazard]) -> None:
    """The next codes of each found date's year, in order, taken inside the writing transaction."""
    allocator = CodeAllocator()
    for hazard in hazards:
        if not hazard.code:
            hazard.code = allocator.take(hazard.found_on.year)
    allocator.flush()


def hazard_register(*, user, photos: Sequence = (), writes: Writes | None = None, **fields) -> Hazard:
    """Any bureau user registers a hazard (状态 待整改) with its five fixes and photos as found; the system gives it
    the next code of its found date's year."""
    writes = writes or Writes()
    check_editable(fields, REGISTER_FIELDS)
    if not may_register(user):
        raise PermissionDenied(_("You may not register hazards."))
    for upload in photos:
        check_photo(upload)
    hazard = Hazard(**fields, found_by=user, status=HazardStatus.PENDING)
    check_register_rules(hazard)
    writes.clean(hazard, exclude=["code"])
    with writes.atomic(user):
        writes.save(hazard, before_insert=_assign_codes)
        _save_photos(user=user, hazard=hazard, kind=PhotoKind.FOUND, photos=photos)
    return hazard


def hazard_update(*, user, hazard: Hazard, photos: Sequence = (), writes: Writes | None = None, **changes) -> Hazard:
    """Change an open hazard's register data and five fixes (never its status); add photos as found. A major
    hazard stays major: downgrading it is a leader's step with a reason (``hazard_downgrade``)."""
    writes = writes or Writes()
    check_editable(changes, REGISTER_FIELDS)
    if not writes.permits(user, "change", hazard):
        if hazard.status == HazardStatus.CLOSED:
            raise PermissionDenied(_("Hazard %(code)s is closed; it can no longer be changed.") % {"code": hazard.code})
        raise PermissionDenied(_("You may not change hazard %(code)s.") % {"code": hazard.code})
    for upload in photos:
        check_photo(upload)
    with writes.atomic(user):
        hazard = writes.lock(hazard)
        year, was_major = hazard.found_on.year, hazard.is_major
        changed = {name for name, value in changes.items() if getattr(hazard, name) != value}
        for name, value in changes.items():
            setattr(hazard, name, value)
        check_register_rules(hazard, changed=changed, code_year=year, was_major=was_major)
        writes.clean(hazard)
        writes.save(hazard)
        _save_photos(user=user, hazard=hazard, kind=PhotoKind.FOUND, photos=photos)
    return hazard


def hazard_downgrade(*, user, hazard: Hazard, reason: str) -> Hazard:
    """A bureau leader downgrades an open major hazard to general, giving the reason; the step is recorded. The
    hazard still needs a leader's sign-off before it is closed (it was major)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for downgrading the hazard.")})
    with set_actor(user), transaction.atomic():
        locked = Hazard.objects.select_for_update().get(pk=hazard.pk)
        if not Hazard.objects.restrict(user).filter(pk=locked.pk).exists():
            raise PermissionDenied(_("You may not see this hazard."))
        if not user.is_leader:
            raise PermissionDenied(_("Only bureau leaders downgrade major hazards."))
        if not locked.is_major or not locked.is_open:
            raise IllegalTransition(_("Only an open major hazard can be downgraded."))
        locked.level = HazardLevel.GENERAL
        locked.full_clean()
        locked.save()
        _record_step(locked, HazardAction.DOWNGRADE, locked.status, user, clock.now(), reason)
    return locked


def _record_step(hazard: Hazard, action: str, from_status: str, user, at, note: str) -> HazardTransition:
    step = HazardTransition(
        hazard=hazard, action=action, from_status=from_status, to_status=hazard.status, by=user, at=at, note=note
    )
    step.full_clean()
    step.save()
    return step


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
        if not hazard.needs_sign_off:
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
        now = clock.now()
        from_status = locked.status
        locked.status = TRANSITIONS[action][1]
        if apply is not None:
            apply(locked, now)
        locked.full_clean()
        locked.save()
        _record_step(locked, action, from_status, user, now, note)
        _step_events(locked, action, note, user)
    return locked


def _verifier_candidates(unit_id):
    """The people who may verify a hazard of the unit, as far as their unit and role go (``who_may`` decides)."""
    return candidates(
        units=[unit_id], q=Q(unit__supervises_safety=True, role__in=(User.Role.STAFF, User.Role.UNIT_HEAD))
    )


def _step_events(hazard: Hazard, action: str, note: str, user) -> None:
    """Tell whom a step hands the hazard to, by the rules of ``hazard_rule``: a reported rectification → those who
    may verify it (the safety-supervising units' members, the responsible unit's head; never its reporter) and,
    for a hazard that is or was major, the leaders who may sign it off; a leader's sign-off → those who may now
    verify it; a failed verification → the rectifier; a passed one (销号) → the responsible unit's members and the
    rectifier. Nobody is told of their own step."""
    unit = hazard.responsible_unit_id
    if action == HazardAction.REPORT:
        people = _verifier_candidates(unit)
        title = _("Hazard %(hazard)s: the rectification is reported, to verify.") % {"hazard": hazard}
        event_raise(
            kind=EventKind.RECTIFICATION_REPORTED,
            obj=hazard,
            recipients=who_may(Hazard.objects, "verify", hazard, people),
            title=title,
            unit=unit,
        )
        if hazard.needs_sign_off:
            leaders = who_may(Hazard.objects, "sign_off", hazard, candidates(q=Q(role=User.Role.LEADER)))
            title = _("Major hazard %(hazard)s needs your sign-off.") % {"hazard": hazard}
            event_raise(kind=EventKind.SIGN_OFF_NEEDED, obj=hazard, recipients=leaders, title=title, unit=unit)
    elif action == HazardAction.FAIL:
        rectifier = who_may(Hazard.objects, "report", hazard, candidates(users=[hazard.rectification_reported_by_id]))
        title = _("Hazard %(hazard)s failed verification: %(reason)s") % {"hazard": hazard, "reason": note}
        event_raise(kind=EventKind.VERIFICATION_FAILED, obj=hazard, recipients=rectifier, title=title, unit=unit)
    elif action == HazardAction.SIGN_OFF:
        verifiers = _verifier_candidates(unit).exclude(pk=user.pk)
        title = _("Major hazard %(hazard)s is signed off by %(leader)s: it may be verified now.") % {
            "hazard": hazard,
            "leader": user,
        }
        recipients = who_may(Hazard.objects, "verify", hazard, verifiers)
        event_raise(kind=EventKind.HAZARD_SIGNED_OFF, obj=hazard, recipients=recipients, title=title, unit=unit)
    elif action == HazardAction.PASS:
        people = candidates(units=[unit], users=[hazard.rectification_reported_by_id]).exclude(pk=user.pk)
        title = _("Hazard %(hazard)s passed verification and is closed (销号).") % {"hazard": hazard}
        recipients = who_may(Hazard.objects, "view", hazard, people)
        event_raise(kind=EventKind.HAZARD_VERIFIED, obj=hazard, recipients=recipients, title=title, unit=unit)


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
            if locked.needs_sign_off and locked.signed_off_at is None:
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


# Ledgers kept before the portal -------------------------------------------------------------------------------


def ledger_start(user, *, name: str, data: bytes, keep_file: bool) -> HazardLedger:
    """The record of a ledger being brought in (inside the import's transaction); its file is kept with it
    (``keep_file``: not at a dry run, which is rolled back)."""
    if not may_import_ledger(user):
        raise PermissionDenied(_("Only administrators and the safety-supervising unit may bring a ledger in."))
    name = name or "ledger"
    ledger = HazardLedger(original_name=name[:255], size=len(data), uploaded_by=user)
    if keep_file:
        ledger.file.save(name, ContentFile(data), save=False)
    ledger.save()
    return ledger


def ledger_record_steps(ledger: HazardLedger, hazards: Sequence[Hazard], user) -> None:
    """Each hazard brought in from ``ledger`` gets one ``IMPORT`` step: from 待整改 to the status the ledger
    records, naming the ledger and who brought it in."""
    note = _("Imported from the ledger “%(name)s” by %(user)s.") % {"name": ledger.original_name, "user": user}
    at = clock.now()
    HazardTransition.objects.bulk_create(
        HazardTransition(
            hazard=hazard,
            action=HazardAction.IMPORT,
            from_status=HazardStatus.PENDING,
            to_status=hazard.status,
            by=user,
            at=at,
            note=note,
        )
        for hazard in hazards
    )
