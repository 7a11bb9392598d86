"""Writes of the inspections app: inspections and findings, hazards from findings, random draws. Every door
(pages, admin, demo) calls these, so each rule is checked once; each runs in a transaction under the acting user
for the audit history."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.audit import set_actor
from core.permissions import require_in
from core.writes import Writes

from . import draws
from .choices import InspectionKind
from .models import ConflictOfInterest, Draw, Finding, Inspection, Inspector
from .querysets import inspects


def _require_inspector_unit(user) -> None:
    if not inspects(user):
        raise PermissionDenied(_("Only the law-enforcement units and administrators make inspections and draws."))


def _lead_unit_for(user, lead_unit):
    """A unit member acts for their own unit; an administrator names the unit."""
    if user.is_administrator:
        if lead_unit is None:
            raise ValidationError({"lead_unit": _("Choose the lead unit.")})
        return lead_unit
    if lead_unit is not None and lead_unit.pk != user.unit_id:
        raise PermissionDenied(_("You act for your own unit only."))
    return user.unit


# Inspections -------------------------------------------------------------------------------------------------


def _check_inspection(*, kind, inspectors, enterprises, projects, draw=None) -> None:
    errors = {}
    if kind == InspectionKind.RANDOM and draw is None:
        errors["kind"] = _("A double-random inspection is made from a random draw.")
    if not inspectors:
        errors["inspectors"] = _("Name at least one inspector.")
    if not enterprises and not projects:
        errors["enterprises"] = _("Name the enterprises or the projects inspected.")
    if errors:
        raise ValidationError(errors)


#: What an inspection's page and the admin may set (the lead unit only when it is made; a drawn inspection keeps
#: what its draw decided: inspection_update checks).
INSPECTION_FIELDS = ("kind", "date", "lead_unit", "inspectors", "enterprises", "projects", "summary")


def inspection_create(
    *,
    user,
    kind: str,
    date: datetime.date,
    inspectors: Sequence,
    enterprises: Sequence = (),
    projects: Sequence = (),
    summary: str = "",
    lead_unit=None,
    draw: Draw | None = None,
    is_demo: bool = False,
    writes: Writes | None = None,
) -> Inspection:
    writes = writes or Writes()
    _require_inspector_unit(user)
    lead_unit = _lead_unit_for(user, lead_unit)
    _check_inspection(kind=kind, inspectors=inspectors, enterprises=enterprises, projects=projects, draw=draw)
    inspection = Inspection(
        kind=kind,
        date=date,
        lead_unit=lead_unit,
        summary=summary.strip(),
        draw=draw,
        created_by=user,
        is_demo=is_demo,
    )
    with writes.atomic(user):
        writes.clean(inspection)
        writes.save(inspection)
        _set_parties(inspection, writes, inspectors=inspectors, enterprises=enterprises, projects=projects)
    return inspection


def _set_parties(inspection: Inspection, writes: Writes, *, inspectors, enterprises, projects) -> None:
    writes.set_related(inspection, "inspectors", inspectors)
    writes.set_related(inspection, "enterprises", enterprises)
    writes.set_related(inspection, "projects", projects)


def inspection_update(
    *,
    user,
    inspection: Inspection,
    kind: str,
    date: datetime.date,
    inspectors: Sequence,
    enterprises: Sequence = (),
    projects: Sequence = (),
    summary: str = "",
    writes: Writes | None = None,
) -> Inspection:
    """Change an inspection. One made from a draw keeps its kind, enterprise and inspectors: the draw decided them."""
    writes = writes or Writes()
    writes.require(user, "change", inspection, _("You may not change this inspection."))
    if inspection.draw_id is not None:
        drawn_enterprises = {e.pk for e in inspection.enterprises.all()}
        drawn_inspectors = {u.pk for u in inspection.inspectors.all()}
        if (
            kind != InspectionKind.RANDOM
            or {e.pk for e in enterprises} != drawn_enterprises
            or {u.pk for u in inspectors} != drawn_inspectors
        ):
            raise ValidationError(_("The kind, enterprise and inspectors of a drawn inspection were set by the draw."))
    _check_inspection(
        kind=kind, inspectors=inspectors, enterprises=enterprises, projects=projects, draw=inspection.draw
    )
    with writes.atomic(user):
        inspection = writes.lock(inspection)
        inspection.kind, inspection.date, inspection.summary = kind, date, summary.strip()
        writes.clean(inspection)
        writes.save(inspection)
        _set_parties(inspection, writes, inspectors=inspectors, enterprises=enterprises, projects=projects)
    return inspection


def finding_add(*, user, inspection: Inspection, text: str, enterprise=None, project=None) -> Finding:
    require_in(Inspection.objects.restrict(user, "change"), inspection, _("You may not change this inspection."))
    if enterprise is not None and not inspection.enterprises.filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": _("This enterprise was not inspected.")})
    if project is not None and not inspection.projects.filter(pk=project.pk).exists():
        raise ValidationError({"project": _("This project was not inspected.")})
    finding = Finding(inspection=inspection, text=text.strip(), enterprise=enterprise, project=project)
    with set_actor(user), transaction.atomic():
        finding.full_clean()
        finding.save()
    return finding


def finding_delete(*, user, finding: Finding) -> None:
    require_in(Finding.objects.restrict(user, "change"), finding, _("You may not change this inspection."))
    if finding.hazard_id is not None:
        raise ValidationError(_("This finding is in the hazard register; it cannot be removed."))
    with set_actor(user), transaction.atomic():
        finding.delete()


def finding_hazard_initial(*, user, finding: Finding) -> dict:
    """The hazard form's fields, filled from the finding and its inspection (the register records the current user
    as the one who found it)."""
    from safety.choices import HazardField, HazardSource

    inspection = finding.inspection
    enterprise = finding.enterprise
    project = finding.project
    if enterprise is None and project is None:  # one enterprise or project inspected: it is the one
        enterprises = list(inspection.enterprises.all()[:2])
        projects = list(inspection.projects.all()[:2])
        if len(enterprises) == 1 and not projects:
            enterprise = enterprises[0]
        elif len(projects) == 1 and not enterprises:
            project = projects[0]
    initial = {
        "source": HazardSource.INSPECTION,
        "found_on": inspection.date,
        "description": finding.text,
        "responsible_unit": inspection.lead_unit,
    }
    if enterprise is not None:
        initial["enterprise"] = enterprise
        if enterprise.township_id:
            initial["township"] = enterprise.township_id
        if enterprise.address:
            initial["location"] = enterprise.address
        initial["field"] = HazardField.ROAD_TRANSPORT
        initial["responsible_unit"] = enterprise.supervising_unit or inspection.lead_unit
    if project is not None:
        initial["project"] = project
        initial["field"] = HazardField.CONSTRUCTION
        initial["responsible_unit"] = project.responsible_unit or inspection.lead_unit
    return {key: getattr(value, "pk", value) for key, value in initial.items()}


def finding_register_hazard(*, user, finding: Finding, **hazard_fields):
    """Register a hazard from a finding (through the safety app's service, which checks its own rules) and link
    the finding to it, in one transaction."""
    from safety.services import hazard_register

    require_in(Finding.objects.restrict(user, "change"), finding, _("You may not change this inspection."))
    with set_actor(user), transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.hazard_id is not None:
            raise ValidationError(_("This finding is already in the hazard register."))
        hazard = hazard_register(user=user, **hazard_fields)
        finding.hazard = hazard
        finding.save(update_fields=["hazard"])
    return hazard


# Random draws ------------------------------------------------------------------------------------------------


def draw_candidates(*, enterprise_type: str = "", township=None):
    """The enterprises a draw picks from, and the inspector pool."""
    from enterprises.models import Enterprise

    enterprises = Enterprise.objects.all()
    if enterprise_type:
        enterprises = enterprises.filter(enterprise_type=enterprise_type)
    if township is not None:
        enterprises = enterprises.filter(township=township)
    return enterprises.order_by("pk"), Inspector.objects.pool().order_by("pk")


def excluded_pairs(enterprise_ids: Sequence[int], inspectors: Sequence[Inspector]) -> list[list[int]]:
    """(enterprise id, inspector id) pairs a draw must not make: the inspector, or the inspector's unit, declared
    a conflict of interest with the enterprise. Two queries."""
    conflicts = ConflictOfInterest.objects.filter(enterprise_id__in=enterprise_ids).values_list(
        "enterprise_id", "inspector_id", "unit_id"
    )
    by_inspector = set()
    by_unit = set()
    for enterprise_id, inspector_id, unit_id in conflicts:
        if inspector_id is not None:
            by_inspector.add((enterprise_id, inspector_id))
        if unit_id is not None:
            by_unit.add((enterprise_id, unit_id))
    pairs = set(by_inspector)
    units = {inspector.pk: inspector.user.unit_id for inspector in inspectors}
    for enterprise_id, unit_id in by_unit:
        pairs.update((enterprise_id, pk) for pk, inspector_unit in units.items() if inspector_unit == unit_id)
    return sorted([e, i] for e, i in pairs)


def draw_make(
    *,
    user,
    title: str,
    enterprise_count: int,
    inspectors_per_enterprise: int,
    enterprise_type: str = "",
    township=None,
    lead_unit=None,
    seed: str | None = None,
    made_at: datetime.datetime | None = None,
    is_demo: bool = False,
) -> Draw:
    """Make a draw and record it. ``seed`` is for reproducible demo data only; a real draw takes a new one."""
    _require_inspector_unit(user)
    lead_unit = _lead_unit_for(user, lead_unit)
    if inspectors_per_enterprise < 2:
        raise ValidationError({"inspectors_per_enterprise": _("Draw at least two inspectors per enterprise.")})
    if enterprise_count < 1:
        raise ValidationError({"enterprise_count": _("Draw at least one enterprise.")})
    seed = seed or draws.new_seed()
    enterprises, pool = draw_candidates(enterprise_type=enterprise_type, township=township)
    enterprise_names = dict(enterprises.values_list("pk", "name"))
    inspectors = list(pool.select_related("user"))
    enterprise_ids = sorted(enterprise_names)
    inspector_ids = [inspector.pk for inspector in inspectors]
    excluded = excluded_pairs(enterprise_ids, inspectors)
    try:
        pairs = draws.compute(
            seed=seed,
            enterprise_ids=enterprise_ids,
            inspector_ids=inspector_ids,
            excluded_pairs=excluded,
            enterprise_count=enterprise_count,
            inspectors_per_enterprise=inspectors_per_enterprise,
        )
    except draws.NotEnoughInspectors as error:
        raise ValidationError(
            _(
                "Not enough eligible inspectors for %(enterprise)s: %(needed)s are needed, and the pool has "
                "fewer without those with a declared conflict. Add inspectors to the pool or draw fewer per "
                "enterprise."
            )
            % {"enterprise": enterprise_names[error.enterprise_id], "needed": inspectors_per_enterprise},
            code="not_enough_inspectors",
        ) from error
    names = {inspector.pk: str(inspector.user) for inspector in inspectors}
    draw = Draw(
        title=title.strip(),
        made_by=user,
        lead_unit=lead_unit,
        enterprise_type=enterprise_type or "",
        township=township,
        enterprise_count=enterprise_count,
        inspectors_per_enterprise=inspectors_per_enterprise,
        seed=seed,
        enterprise_ids=enterprise_ids,
        inspector_ids=inspector_ids,
        excluded_pairs=excluded,
        result=[
            {
                "enterprise": enterprise,
                "enterprise_name": enterprise_names[enterprise],
                "inspectors": chosen,
                "inspector_names": [names[pk] for pk in chosen],
            }
            for enterprise, chosen in pairs
        ],
        made_at=made_at or clock.now(),
        is_demo=is_demo,
    )
    with set_actor(user), transaction.atomic():
        draw.full_clean()
        draw.save(force_insert=True)
    return draw


def draw_rerun(draw: Draw) -> list[tuple[int, list[int]]]:
    """Re-run the draw from its recorded seed and inputs (no database access)."""
    return draws.compute(
        seed=draw.seed,
        enterprise_ids=draw.enterprise_ids,
        inspector_ids=draw.inspector_ids,
        excluded_pairs=draw.excluded_pairs,
        enterprise_count=draw.enterprise_count,
        inspectors_per_enterprise=draw.inspectors_per_enterprise,
    )


def draw_verify(draw: Draw) -> bool:
    """Does re-running the draw give exactly the recorded result?"""
    try:
        return draw_rerun(draw) == draw.pairs
    except ValidationError:
        return False


def draw_create_inspections(*, user, draw: Draw, date: datetime.date, summary: str = "") -> list[Inspection]:
    """Turn a draw into inspections: one per drawn enterprise, of kind 双随机, with its drawn inspectors. Once."""
    require_in(Draw.objects.restrict(user, "use"), draw, _("You may not use this draw."))
    with set_actor(user), transaction.atomic():
        Draw.objects.select_for_update().filter(pk=draw.pk).first()  # one conversion at a time
        if Inspection.objects.filter(draw=draw).exists():
            raise ValidationError(_("This draw has already been turned into inspections."))
        inspectors = {i.pk: i.user for i in Inspector.objects.filter(pk__in=_all_ids(draw)).select_related("user")}
        from enterprises.models import Enterprise

        enterprises = Enterprise.objects.in_bulk([enterprise for enterprise, _chosen in draw.pairs])
        created = []
        for enterprise_id, chosen in draw.pairs:
            created.append(
                inspection_create(
                    user=user,
                    kind=InspectionKind.RANDOM,
                    date=date,
                    lead_unit=draw.lead_unit,
                    inspectors=[inspectors[pk] for pk in chosen],
                    enterprises=[enterprises[enterprise_id]],
                    summary=summary,
                    draw=draw,
                    is_demo=draw.is_demo,
                )
            )
    return created


def _all_ids(draw: Draw) -> set[int]:
    return {pk for _enterprise, chosen in draw.pairs for pk in chosen}
