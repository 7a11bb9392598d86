"""Demo data of the emergency app: the roster for every day of the first quarter of 2020 (with the 春运 and the
汛期 marked), and a few drills. Idempotent: a second run writes nothing. The phone numbers are invented."""

import datetime

from core.demo import upsert
from organisation.models import Unit, User

from .choices import DutyRole, SpecialPeriodKind
from .models import Drill, DutyAssignment, SpecialPeriod

Q1_START = datetime.date(2020, 1, 1)
Q1_END = datetime.date(2020, 3, 31)

PERIODS = [
    (SpecialPeriodKind.SPRING_TRAVEL, "2020年春运", datetime.date(2020, 1, 10), datetime.date(2020, 2, 18)),
    (SpecialPeriodKind.TWO_FESTIVALS, "2020年元旦春节", datetime.date(2020, 1, 1), datetime.date(2020, 1, 31)),
    (SpecialPeriodKind.TWO_SESSIONS, "2020年全国两会", datetime.date(2020, 5, 21), datetime.date(2020, 5, 28)),
    (SpecialPeriodKind.FLOOD_SEASON, "2020年汛期", datetime.date(2020, 4, 1), datetime.date(2020, 9, 30)),
]

DRILLS = [
    (
        datetime.date(2020, 1, 8),
        "春运道路客运突发事件应急演练",
        "浏阳汽车东站",
        ["安全科", "运输中心", "执法大队"],
        45,
        "模拟春运期间班线客车在站内发生乘客突发疾病及车辆故障，检验车站、运输企业和执法人员的协同处置能力。",
    ),
    (
        datetime.date(2020, 4, 22),
        "防汛抢险及公路水毁抢通演练",
        "S309大围山段",
        ["安全科", "公路中心"],
        60,
        "模拟强降雨导致公路边坡塌方、交通中断，组织机械抢通、交通管制和信息发布。",
    ),
    (
        datetime.date(2020, 6, 16),
        "危险货物运输车辆泄漏事故应急演练",
        "浏阳经开区",
        ["安全科", "运输中心", "执法大队", "质监站"],
        80,
        "模拟危险货物运输车辆发生液体泄漏，检验企业先期处置、现场警戒、疏散和部门联动。",
    ),
    (
        datetime.date(2020, 9, 10),
        "在建工程隧道坍塌应急救援演练",
        "G319天马山隧道扩建工地",
        ["安全科", "质监站", "规建科"],
        52,
        "模拟隧道掌子面坍塌、人员被困，检验施工单位应急响应、监理和监督站的现场组织。",
    ),
]


def _phone(index: int) -> str:
    return f"1387310{index:04d}"


def load() -> None:
    for kind, name, start, end in PERIODS:
        upsert(SpecialPeriod, {"kind": kind, "start_date": start}, {"name": name, "end_date": end, "is_demo": True})
    _roster()
    _drills()


def _roster() -> None:
    leaders = list(User.objects.filter(is_demo=True, role=User.Role.LEADER).order_by("username"))
    staff = list(
        User.objects.filter(is_demo=True, role__in=[User.Role.STAFF, User.Role.UNIT_HEAD]).order_by("username")
    )
    if not leaders or len(staff) < 2:
        return
    day, number = Q1_START, 0
    while day <= Q1_END:
        leader = leaders[number % len(leaders)]
        upsert(
            DutyAssignment,
            {"date": day, "person": leader},
            {"role": DutyRole.LEADER, "phone": "", "is_demo": True},
        )
        for offset in range(2):
            index = (2 * number + offset) % len(staff)
            upsert(
                DutyAssignment,
                {"date": day, "person": staff[index]},
                {"role": DutyRole.STAFF, "phone": _phone(index + 1), "is_demo": True},
            )
        day += datetime.timedelta(days=1)
        number += 1


def _drills() -> None:
    units = {unit.short_name: unit for unit in Unit.objects.all()}
    recorder = User.objects.filter(username="head_safety").first() or User.objects.filter(username="admin").first()
    if recorder is None:
        return
    for date, scenario, location, unit_names, participants, summary in DRILLS:
        drill, _ = upsert(
            Drill,
            {"date": date, "scenario": scenario},
            {"location": location, "participants": participants, "summary": summary, "is_demo": True},
            {"created_by": recorder},
        )
        wanted = {units[name].pk for name in unit_names if name in units}
        if set(drill.units.values_list("pk", flat=True)) != wanted:
            drill.units.set(wanted)
