"""Writes of the emergency app: every door (pages, admin, import) calls these, so the rule on who keeps the
roster is checked once. Each service runs in a transaction under the acting user for the audit history."""

import calendar
import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import set_actor
from core.uploads import check_photo, stored_file_create
from core.writes import Writes, check_editable, refusal

from .choices import DutyRole
from .models import Drill, DrillPhoto, DutyAssignment, SpecialPeriod
from .querysets import keeps_roster


def _require_keeper(user) -> None:
    if not keeps_roster(user):
        raise refusal(_("Only the roster-keeping unit and administrators may change this."))


def _save(obj, writes: Writes) -> None:
    """Validate, then save; a constraint that races past the check is still reported as a ValidationError."""
    writes.clean(obj)
    try:
        with transaction.atomic():
            writes.save(obj)
    except IntegrityError as error:
        raise ValidationError(_("This duty conflicts with another one on the same day.")) from error


# Duty roster ------------------------------------------------------------------------------------------------

#: What a duty's page, the admin and the roster import may set.
DUTY_FIELDS = ("date", "role", "person", "phone", "note")


def duty_assign(
    *,
    user,
    date: datetime.date,
    role: str,
    person,
    phone: str = "",
    note: str = "",
    is_demo: bool = False,
    writes: Writes | None = None,
) -> DutyAssignment:
    """Put a person on duty on a day. A person holds at most one duty a day; a day has at most one leader."""
    writes = writes or Writes()
    _require_keeper(user)
    assignment = DutyAssignment(
        date=date, role=role, person=person, phone=phone.strip(), note=note.strip(), is_demo=is_demo
    )
    with writes.atomic(user):
        _save(assignment, writes)
    return assignment


def duty_update(*, user, assignment: DutyAssignment, writes: Writes | None = None, **changes) -> DutyAssignment:
    writes = writes or Writes()
    check_editable(changes, DUTY_FIELDS)
    _require_keeper(user)
    with writes.atomic(user):
        assignment = writes.lock(assignment)
        for field, value in changes.items():
            setattr(assignment, field, value.strip() if isinstance(value, str) else value)
        _save(assignment, writes)
    return assignment


def duty_remove(*, user, assignment: DutyAssignment, writes: Writes | None = None) -> None:
    writes = writes or Writes()
    _require_keeper(user)
    with writes.atomic(user):
        writes.delete(assignment)


def roster_set_day(
    *, user, date: datetime.date, leader, staff: Sequence, phones: dict | None = None
) -> list[DutyAssignment]:
    """Replace one day's roster: one leader (or none) and the staff on duty. ``phones`` maps a person's id to a
    phone overriding the account's one. Used by the roster import, so that a month sheet is all-or-nothing."""
    _require_keeper(user)
    phones = phones or {}
    people = ([(DutyRole.LEADER, leader)] if leader else []) + [(DutyRole.STAFF, person) for person in staff]
    seen = set()
    for _role, person in people:
        if person.pk in seen:
            raise ValidationError(
                _("%(person)s is on duty twice on %(date)s.") % {"person": person, "date": f"{date:%Y-%m-%d}"}
            )
        seen.add(person.pk)
    with set_actor(user), transaction.atomic():
        DutyAssignment.objects.filter(date=date).delete()
        created = []
        for role, person in people:
            assignment = DutyAssignment(date=date, role=role, person=person, phone=phones.get(person.pk, ""))
            _save(assignment, Writes())
            created.append(assignment)
    return created


def month_days(year: int, month: int) -> list[datetime.date]:
    return [datetime.date(year, month, day) for day in range(1, calendar.monthrange(year, month)[1] + 1)]


# Special periods --------------------------------------------------------------------------------------------


#: What a special period's page and the admin may set.
SPECIAL_PERIOD_FIELDS = ("kind", "name", "start_date", "end_date")


def special_period_create(
    *,
    user,
    kind: str,
    start_date: datetime.date,
    end_date: datetime.date,
    name: str = "",
    is_demo: bool = False,
    writes: Writes | None = None,
) -> SpecialPeriod:
    writes = writes or Writes()
    _require_keeper(user)
    period = SpecialPeriod(kind=kind, name=name.strip(), start_date=start_date, end_date=end_date, is_demo=is_demo)
    with writes.atomic(user):
        writes.clean(period)
        writes.save(period)
    return period


def special_period_update(*, user, period: SpecialPeriod, writes: Writes | None = None, **changes) -> SpecialPeriod:
    writes = writes or Writes()
    check_editable(changes, SPECIAL_PERIOD_FIELDS)
    _require_keeper(user)
    with writes.atomic(user):
        period = writes.lock(period)
        for field, value in changes.items():
            setattr(period, field, value.strip() if isinstance(value, str) else value)
        writes.clean(period)
        writes.save(period)
    return period


def special_period_delete(*, user, period: SpecialPeriod, writes: Writes | None = None) -> None:
    writes = writes or Writes()
    _require_keeper(user)
    with writes.atomic(user):
        writes.delete(period)


# Drills -----------------------------------------------------------------------------------------------------


def _check_photo(upload) -> None:
    try:
        check_photo(upload)
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from error


def _add_photos(*, user, drill: Drill, photos: Sequence) -> None:
    for upload in photos:
        stored_file_create(model=DrillPhoto, upload=upload, user=user, drill=drill)


def drill_create(
    *,
    user,
    date: datetime.date,
    scenario: str,
    units: Sequence,
    participants: int,
    summary: str = "",
    location: str = "",
    photos: Sequence = (),
    is_demo: bool = False,
    writes: Writes | None = None,
) -> Drill:
    """Record a drill with the units that took part and its photos (JPEG/PNG, checked for size and content)."""
    writes = writes or Writes()
    _require_keeper(user)
    if not units:
        raise ValidationError({"units": _("Name at least one unit taking part.")})
    for upload in photos:
        _check_photo(upload)
    drill = Drill(
        date=date,
        scenario=scenario.strip(),
        location=location.strip(),
        participants=participants,
        summary=summary.strip(),
        created_by=user,
        is_demo=is_demo,
    )
    with writes.atomic(user):
        writes.clean(drill)
        writes.save(drill)
        writes.set_related(drill, "units", units)
        writes.save_parts(lambda: _add_photos(user=user, drill=drill, photos=photos))
    return drill


#: What a drill's page and the admin may set, besides its units and photos.
DRILL_FIELDS = ("date", "scenario", "location", "participants", "summary")


def drill_update(
    *,
    user,
    drill: Drill,
    units: Sequence | None = None,
    photos: Sequence = (),
    writes: Writes | None = None,
    **changes,
) -> Drill:
    """Change a drill's record; photos are added to those it has."""
    writes = writes or Writes()
    check_editable(changes, DRILL_FIELDS)
    _require_keeper(user)
    if units is not None and not units:
        raise ValidationError({"units": _("Name at least one unit taking part.")})
    for upload in photos:
        _check_photo(upload)
    with writes.atomic(user):
        drill = writes.lock(drill)
        for field, value in changes.items():
            setattr(drill, field, value.strip() if isinstance(value, str) else value)
        writes.clean(drill)
        writes.save(drill)
        if units is not None:
            writes.set_related(drill, "units", units)
        writes.save_parts(lambda: _add_photos(user=user, drill=drill, photos=photos))
    return drill


def drill_photo_delete(*, user, photo: DrillPhoto) -> None:
    _require_keeper(user)
    with set_actor(user), transaction.atomic():
        photo.file.delete(save=False)
        photo.delete()
