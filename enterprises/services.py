"""Writes of the enterprises app. Every door (pages, admin, imports, later the API) goes through these or through
the same permission rules (``restrict``), so each rule is enforced once. Each service runs in a transaction under
the acting user, so the audit history records who made the change."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import set_actor
from core.permissions import require_in
from core.writes import Writes, check_editable, refusal
from organisation.models import Unit

from .choices import ListStatus
from .models import Enterprise, Vehicle
from .validators import normalise_credit_code, normalise_plate

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "enterprise_type",
    "licence_number",
    "licence_expires_on",
    "address",
    "township",
    "contact_person",
    "contact_phone",
    "credit_rating",
    "supervising_unit",
)
VEHICLE_FIELDS = (
    "plate",
    "enterprise",
    "vehicle_class",
    "seats",
    "tonnage",
    "certificate_number",
    "certificate_expires_on",
    "status",
)


def may_create_enterprise(user) -> bool:
    """Administrators, and staff and unit heads (for their own unit)."""
    return user.is_authenticated and user.is_active and (user.is_administrator or user.is_unit_member)


def may_supervise(user, unit: Unit | None) -> bool:
    """Whether ``user`` may put an enterprise under ``unit``: administrators any unit, unit members their own."""
    if not (user.is_authenticated and user.is_active) or unit is None:
        return False
    return user.is_administrator or (user.is_unit_member and unit.pk == user.unit_id)


def _normalise_enterprise(values: dict) -> dict:
    values = dict(values)
    if "credit_code" in values:
        values["credit_code"] = normalise_credit_code(values["credit_code"])
    for field in ("name", "licence_number", "address", "contact_person", "contact_phone"):
        if isinstance(values.get(field), str):
            values[field] = values[field].strip()
    if values.get("credit_rating") is None and "credit_rating" in values:
        values["credit_rating"] = ""
    return values


def _normalise_vehicle(values: dict) -> dict:
    values = dict(values)
    if "plate" in values:
        values["plate"] = normalise_plate(values["plate"])
    if isinstance(values.get("certificate_number"), str):
        values["certificate_number"] = values["certificate_number"].strip()
    return values


# Enterprises ------------------------------------------------------------------------------------------------


def enterprise_create(
    *, user, supervising_unit: Unit | None = None, writes: Writes | None = None, **values
) -> Enterprise:
    """Register an enterprise. A unit member's enterprise is supervised by their own unit (the default);
    administrators may name any unit. The credit code is normalised (upper case, no spaces) before it is checked."""
    writes = writes or Writes()
    check_editable(values, ENTERPRISE_FIELDS)
    if supervising_unit is None and user.is_authenticated and user.is_unit_member:
        supervising_unit = user.unit
    if not may_create_enterprise(user) or not may_supervise(user, supervising_unit):
        raise refusal(_("You may not register enterprises for this unit."), field="supervising_unit")
    enterprise = Enterprise(supervising_unit=supervising_unit, **_normalise_enterprise(values))
    with writes.atomic(user):
        writes.clean(enterprise)
        writes.save(enterprise)
    return enterprise


def enterprise_update(*, user, enterprise: Enterprise, writes: Writes | None = None, **changes) -> Enterprise:
    """Change an enterprise's facts (the credit code normalised). Only administrators hand an enterprise over to
    another supervising unit. The red/black listing has its own services."""
    writes = writes or Writes()
    check_editable(changes, ENTERPRISE_FIELDS)
    writes.require(user, "change", enterprise, _("You may not change this enterprise."))
    new_unit = changes.get("supervising_unit")
    if new_unit is not None and new_unit.pk != enterprise.supervising_unit_id and not may_supervise(user, new_unit):
        raise refusal(_("Only administrators may hand an enterprise over to another unit."), field="supervising_unit")
    changes = _normalise_enterprise(changes)
    with writes.atomic(user):
        enterprise = writes.lock(enterprise)
        for field, value in changes.items():
            setattr(enterprise, field, value)
        writes.clean(enterprise)
        writes.save(enterprise)
    return enterprise


def enterprise_list_set(
    *,
    user,
    enterprise: Enterprise,
    status: str,
    reason: str,
    start: datetime.date,
    end: datetime.date | None = None,
) -> Enterprise:
    """Put an enterprise on the red or the black list (红黑名单), with the reason and the dates."""
    if status not in (ListStatus.RED, ListStatus.BLACK):
        raise ValidationError({"list_status": _("Choose the red or the black list.")})
    require_in(Enterprise.objects.restrict(user, "change"), enterprise, _("You may not change this enterprise."))
    with set_actor(user), transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        enterprise.list_status = status
        enterprise.list_reason = (reason or "").strip()
        enterprise.list_start = start
        enterprise.list_end = end
        enterprise.full_clean()
        enterprise.save()
    return enterprise


def enterprise_list_clear(*, user, enterprise: Enterprise) -> Enterprise:
    """Take an enterprise off the red or black list."""
    require_in(Enterprise.objects.restrict(user, "change"), enterprise, _("You may not change this enterprise."))
    with set_actor(user), transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        enterprise.list_status = ListStatus.NONE
        enterprise.list_reason = ""
        enterprise.list_start = None
        enterprise.list_end = None
        enterprise.full_clean()
        enterprise.save()
    return enterprise


# Vehicles ---------------------------------------------------------------------------------------------------


def vehicle_create(*, user, enterprise: Enterprise, writes: Writes | None = None, **values) -> Vehicle:
    """Register a vehicle of an enterprise the user may change (the plate normalised: upper case, no spaces)."""
    writes = writes or Writes()
    check_editable(values, VEHICLE_FIELDS)
    writes.require(
        user, "change", enterprise, _("You may not register vehicles for this enterprise."), field="enterprise"
    )
    vehicle = Vehicle(enterprise=enterprise, **_normalise_vehicle(values))
    with writes.atomic(user):
        writes.clean(vehicle)
        writes.save(vehicle)
    return vehicle


def vehicle_update(*, user, vehicle: Vehicle, writes: Writes | None = None, **changes) -> Vehicle:
    """Change a vehicle (the plate normalised); moving it to another enterprise (过户) needs the right to change
    both."""
    writes = writes or Writes()
    check_editable(changes, VEHICLE_FIELDS)
    writes.require(user, "change", vehicle, _("You may not change this vehicle."))
    new_enterprise = changes.get("enterprise")
    if new_enterprise is not None and new_enterprise.pk != vehicle.enterprise_id:
        writes.require(
            user, "change", new_enterprise, _("You may not move vehicles to this enterprise."), field="enterprise"
        )
    changes = _normalise_vehicle(changes)
    with writes.atomic(user):
        vehicle = writes.lock(vehicle)
        for field, value in changes.items():
            setattr(vehicle, field, value)
        writes.clean(vehicle)
        writes.save(vehicle)
    return vehicle
