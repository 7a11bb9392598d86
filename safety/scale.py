"""Scale data for the safety app: per county about 5,000 hazards of the year, with the transitions their status
implies (see ``manage.py generate_scale_data``).

A scale hazard's location starts with the county prefix. Its code is an ordinary one, ``YH-<year>-<number>``, taken
as a block from the year's ``HazardCodeCounter`` (locked, as ``services.CodeAllocator`` locks it), so a hazard
registered afterwards gets the next number. Each hazard's workflow fields and transitions agree with its status:
started, reported (by a member of the responsible unit), signed off by the county's leader when major, verified by a
member of the county's safety unit who did not report it; some went through a failed verification first. No photos
are made (the files would not exist)."""

import datetime
import random
from decimal import Decimal

from django.db.models import Q

from core import clock
from core.imports.copy_insert import insert_instances
from core.scale import moment, random_date, raw_delete
from organisation.scale import SCALE_MARK, County

from .choices import HazardAction, HazardField, HazardLevel, HazardSource, HazardStatus
from .models import Hazard, HazardCodeCounter, HazardPhoto, HazardTransition, hazard_code

HAZARDS = 5000
STATUSES = (
    (HazardStatus.PENDING, 15),
    (HazardStatus.RECTIFYING, 20),
    (HazardStatus.VERIFYING, 15),
    (HazardStatus.CLOSED, 50),
)
MAJOR_SHARE = 0.05
FAILED_SHARE = 0.1  # of the hazards that were reported: a verification failed once before
DESCRIPTIONS = {
    HazardField.ROAD_TRANSPORT: ("车辆动态监控装置离线", "驾驶员超时驾驶", "安全例检记录缺失", "灭火器过期"),
    HazardField.HIGHWAYS_BRIDGES: ("护栏缺失", "边坡落石", "桥梁伸缩缝破损", "急弯路段标志缺失"),
    HazardField.CONSTRUCTION: ("临边防护缺失", "脚手架未验收", "施工便道未设警示", "临时用电不规范"),
    HazardField.WATERWAYS: ("渡船救生衣不足", "码头护栏破损", "船舶超载"),
    HazardField.RAILWAY_LINES: ("铁路沿线违规堆放", "道口警示标志缺失", "沿线彩钢棚未加固"),
}
MEASURES = ("限期整改，落实专人跟踪", "设置警示标志，加强巡查", "停业整顿，整改后复查")


def take_codes(year: int, count: int) -> list[str]:
    """``count`` consecutive codes of ``year``: the counter row is locked, moved on by ``count`` and saved, as
    ``services.CodeAllocator`` does for one code. Call inside the transaction that inserts the hazards."""
    HazardCodeCounter.objects.bulk_create([HazardCodeCounter(year=year)], ignore_conflicts=True)
    counter = HazardCodeCounter.objects.select_for_update().get(year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [hazard_code(year, number) for number in range(first, first + count)]


def generate(county: County, rng: random.Random) -> dict[str, int]:
    year = county.year
    last_day = min(datetime.date(year, 12, 31), clock.today())
    statuses, weights = zip(*STATUSES, strict=True)
    units = list(county.units.values())
    everybody = [user for staff in county.staff.values() for user in staff]
    fields = list(DESCRIPTIONS)
    hazards = []
    for _ in range(county.count(HAZARDS)):
        field = rng.choice(fields)
        township = rng.choice(county.townships)
        found_on = random_date(rng, datetime.date(year, 1, 1), last_day)
        level = HazardLevel.MAJOR if rng.random() < MAJOR_SHARE else HazardLevel.GENERAL
        hazard = Hazard(
            field=field,
            level=level,
            ever_major=level == HazardLevel.MAJOR,
            source=rng.choice(HazardSource.values),
            location=f"{county.prefix} {township.name}{rng.choice(('村道', '县道', '站场', '工地', '码头'))}"
            f"{rng.randint(1, 99)}号点",
            township=township,
            description=rng.choice(DESCRIPTIONS[field]),
            found_on=found_on,
            found_by=rng.choice(everybody),
            responsible_unit=rng.choice(units),
            responsible_person=f"责任人{rng.randint(1, 999)}",
            measures=rng.choice(MEASURES),
            funds=Decimal(rng.randint(0, 5000)) / 100,
            deadline=found_on + datetime.timedelta(days=rng.randint(7, 120)),
            contingency_plan="设置警示标志，专人值守。",
            status=rng.choices(statuses, weights)[0],
        )
        if field == HazardField.ROAD_TRANSPORT and county.enterprises and rng.random() < 0.6:
            if county.vehicles and rng.random() < 0.5:
                hazard.vehicle = rng.choice(county.vehicles)
                hazard.enterprise = hazard.vehicle.enterprise
            else:
                hazard.enterprise = rng.choice(county.enterprises)
        elif field == HazardField.CONSTRUCTION and county.projects and rng.random() < 0.7:
            hazard.project = rng.choice(county.projects)
        hazards.append(hazard)
    hazards.sort(key=lambda hazard: hazard.found_on)
    for hazard, code in zip(hazards, take_codes(year, len(hazards)), strict=True):
        hazard.code = code
    steps = [_workflow(county, rng, hazard) for hazard in hazards]
    insert_instances(Hazard, hazards)
    transitions = []
    for hazard, hazard_steps in zip(hazards, steps, strict=True):
        for step in hazard_steps:
            step.hazard = hazard
            transitions.append(step)
    insert_instances(HazardTransition, transitions)
    return {"hazards": len(hazards), "hazard transitions": len(transitions)}


def _workflow(county: County, rng: random.Random, hazard: Hazard) -> list[HazardTransition]:
    """Set the hazard's workflow fields for its status and return the transitions that led there (their hazard is
    set once the hazard has its primary key)."""
    status = hazard.status
    if status == HazardStatus.PENDING:
        return []
    unit_key = next(key for key, unit in county.units.items() if unit is hazard.responsible_unit)
    doer = rng.choice(county.staff[unit_key])
    verifiers = [user for user in county.staff["safety"] if user is not doer]
    day = hazard.found_on
    steps = []

    def step(action, from_status, to_status, by, note=""):
        nonlocal day
        day = day + datetime.timedelta(days=rng.randint(0, 10))
        at = moment(day, rng)
        if steps and at <= steps[-1].at:  # same day (or clamped to now): keep the steps in order
            at = steps[-1].at + datetime.timedelta(minutes=rng.randint(1, 30))
        steps.append(
            HazardTransition(action=action, from_status=from_status, to_status=to_status, by=by, at=at, note=note)
        )
        return at

    def report_and_sign_off(sign: bool):
        hazard.rectification_note = f"已{hazard.measures}，整改完成。"
        hazard.rectification_reported_by = doer
        hazard.rectification_reported_at = step(
            HazardAction.REPORT, HazardStatus.RECTIFYING, HazardStatus.VERIFYING, doer, hazard.rectification_note
        )
        if sign and hazard.level == HazardLevel.MAJOR:
            hazard.signed_off_by = county.leader
            hazard.signed_off_at = step(
                HazardAction.SIGN_OFF, HazardStatus.VERIFYING, HazardStatus.VERIFYING, county.leader, "同意验收。"
            )

    step(HazardAction.START, HazardStatus.PENDING, HazardStatus.RECTIFYING, doer)
    failed = rng.random() < FAILED_SHARE
    if status == HazardStatus.RECTIFYING and not failed:
        return steps
    if failed:  # a first rectification failed its verification (which clears the sign-off)
        report_and_sign_off(sign=True)
        step(
            HazardAction.FAIL,
            HazardStatus.VERIFYING,
            HazardStatus.RECTIFYING,
            rng.choice(verifiers),
            "复查发现整改不到位。",
        )
        hazard.signed_off_by = hazard.signed_off_at = None
        if status == HazardStatus.RECTIFYING:
            return steps
    report_and_sign_off(sign=status == HazardStatus.CLOSED or rng.random() < 0.5)
    if status == HazardStatus.CLOSED:
        hazard.verification_note = "现场复查，整改到位，同意销号。"
        hazard.closed_by = rng.choice(verifiers)
        hazard.closed_at = step(
            HazardAction.PASS, HazardStatus.VERIFYING, HazardStatus.CLOSED, hazard.closed_by, hazard.verification_note
        )
    return steps


def clear() -> dict[str, int]:
    """Remove the scale hazards with their transitions and photos. The code counters are left as they are: a code
    once given out is not given again."""
    of_scale = Q(hazard__location__startswith=SCALE_MARK)
    return {
        "hazard transitions": raw_delete(HazardTransition.objects.filter(of_scale)),
        "hazard photos": raw_delete(HazardPhoto.objects.filter(of_scale)),
        "hazards": raw_delete(Hazard.objects.filter(location__startswith=SCALE_MARK)),
    }
