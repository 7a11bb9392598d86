"""Demo hazard register of Liuyang for 2020: about 150 plausible hazards across the five fields, both levels, the
townships and the responsible units, in every state of the workflow — some overdue, some major ones signed off by a
leader, some with a failed verification in their history — all marked as demo. Idempotent: a second run writes
nothing.

The demo writes the register's state directly (with its transitions, as the services would have left them); real
hazards move only through ``safety.services``. Links to enterprises, vehicles and projects are made only to demo
ones that exist. Deadlines of the open hazards that are not meant to be overdue are set relative to the day the demo
is first loaded and never moved afterwards.
"""

import datetime
import random
import struct
import zlib
from decimal import Decimal

from django.apps import apps
from django.core.files.base import ContentFile
from django.utils import timezone

from core import clock
from core.demo import upsert
from organisation.demo import UNITS as DEMO_UNITS
from organisation.models import Township, Unit, User

from .choices import HazardAction, HazardField, HazardLevel, HazardSource, HazardStatus, PhotoKind
from .models import Hazard, HazardCodeCounter, HazardPhoto, HazardTransition, hazard_code

YEAR = 2020
COUNT = 150
SEED = 430181

F = HazardField
# field → (responsible units by demo unit name, descriptions, places, measures)
FIELDS = {
    F.ROAD_TRANSPORT: (
        ("道路运输服务中心", "运输服务科"),
        (
            "客运车辆安全带缺失，应急锤配备不全",
            "危险货物运输车辆卫星定位装置离线，动态监控缺位",
            "驾驶员连续驾驶超过4小时，未落实休息制度",
            "客运站“三不进站、六不出站”安检制度落实不到位",
            "车辆灭火器过期未更换",
            "动态监控平台报警处置不及时，未闭环",
            "旅游包车未按规定办理包车客运标志牌",
        ),
        ("汽车站", "客运站候车厅", "停车场", "物流园", "公交首末站", "维修车间"),
        "督促企业立即整改，补齐安全设施，开展驾驶员安全教育培训，运输服务中心跟踪复查。",
    ),
    F.HIGHWAYS_BRIDGES: (
        ("公路建设养护中心",),
        (
            "桥梁伸缩缝破损，桥面护栏缺失",
            "急弯陡坡路段警示标志缺失",
            "边坡落石风险，被动防护网破损",
            "临水临崖路段未设置波形护栏",
            "危桥限载标志缺失，超限车辆通行",
            "隧道照明设施损坏",
            "路面坑槽较多，夜间行车存在安全隐患",
        ),
        ("G106线", "S309线", "X021县道", "乡道Y035", "通村公路", "大桥"),
        "设置临时警示标志，安排养护队伍限期修复，纳入安防工程实施计划。",
    ),
    F.CONSTRUCTION: (
        ("交通建设质量安全监督站", "规划建设科"),
        (
            "施工现场临边防护不到位",
            "高支模未按专项方案搭设",
            "特种作业人员无证上岗",
            "施工便道未设置警示标志和减速设施",
            "基坑开挖未按规定放坡支护",
            "施工用电未落实“三级配电、两级保护”",
            "跨线施工未设置防落物设施",
        ),
        ("项目部", "施工标段", "拌合站", "预制场", "桥梁施工点"),
        "责令施工单位停工整改，完善专项施工方案，监理单位旁站监督，质监站复查验收。",
    ),
    F.WATERWAYS: (
        ("安全应急科",),
        (
            "渡船救生衣配备数量不足",
            "渡口未设置安全警示牌和载客定额牌",
            "自用船舶未登记检验即投入使用",
            "码头护栏破损，存在落水风险",
            "汛期渡口未落实停渡措施",
        ),
        ("渡口", "码头", "浏阳河沿岸", "捞刀河沿岸"),
        "补齐救生设备，设置警示标志，落实汛期停航停渡制度，乡镇安全员每日巡查。",
    ),
    F.RAILWAY_LINES: (
        ("交通运输综合行政执法大队", "安全应急科"),
        (
            "铁路沿线彩钢瓦、塑料薄膜未加固",
            "铁路桥下堆放易燃物品",
            "公铁并行路段防护栏缺失",
            "铁路沿线违规焚烧秸秆",
            "下穿铁路立交桥积水严重",
        ),
        ("浏阳河铁路桥", "长赣铁路沿线", "下穿铁路立交", "公铁并行段"),
        "会同乡镇和铁路部门开展联合整治，清除易燃物和轻飘物，完善防护设施。",
    ),
}
REGISTRANTS = ("staff_safety", "head_safety", "staff_enforcement", "staff_roads", "staff_quality", "staff_services")
FAIL_REASONS = (
    "现场复查发现防护设施仍未安装到位，整改不彻底。",
    "整改资料不全，缺少整改前后对比照片。",
    "警示标志设置位置不符合规范要求，需重新设置。",
)
PERSONS = ("张建军", "李卫国", "王志华", "刘海波", "陈立新", "杨文斌", "赵红梅", "黄国平", "周小军", "吴建平")


def _png(rgb: tuple[int, int, int], width: int = 64, height: int = 48) -> bytes:
    """A small plain-coloured PNG (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def _demo_models(label: str):
    try:
        model = apps.get_model(label)
    except LookupError:
        return []
    return list(model.objects.filter(is_demo=True).order_by("pk"))


def _plan(rng: random.Random) -> list[str]:
    """The final state of each demo hazard: every state, most closed (a year's register)."""
    states = (
        ["closed"] * 78
        + ["closed_after_failure"] * 12
        + ["verifying"] * 14
        + ["rectifying"] * 16
        + ["rectifying_after_failure"] * 8
        + ["pending"] * 22
    )
    rng.shuffle(states)
    return states[:COUNT]


def load() -> None:
    rng = random.Random(SEED)
    users = {user.username: user for user in User.objects.filter(is_demo=True)}
    units = {unit.name: unit for unit in Unit.objects.all()}
    townships = list(Township.objects.filter(is_active=True).order_by("sort_order", "name"))
    enterprises = _demo_models("enterprises.Enterprise")
    vehicles_by_enterprise: dict[int, list] = {}
    for vehicle in _demo_models("enterprises.Vehicle"):
        vehicles_by_enterprise.setdefault(vehicle.enterprise_id, []).append(vehicle)
    projects = _demo_models("projects.Project")
    leader = users.get("ldr_wang")
    today = clock.today()
    fields = list(FIELDS)
    weights = [40, 35, 35, 15, 25]
    states = _plan(rng)
    for number in range(1, COUNT + 1):
        field = rng.choices(fields, weights)[0]
        unit_names, descriptions, places, measures = FIELDS[field]
        unit = units.get(rng.choice(unit_names)) or units.get("安全应急科")
        if unit is None:
            return  # the demo organisation is not loaded
        township = rng.choice(townships)
        level = HazardLevel.MAJOR if rng.random() < 0.12 else HazardLevel.GENERAL
        found_on = datetime.date(YEAR, 1, 2) + datetime.timedelta(days=rng.randrange(0, 330))
        state = states[number - 1]
        registrant = users[rng.choice(REGISTRANTS)]
        enterprise = vehicle = project = None
        if field == F.ROAD_TRANSPORT and enterprises:
            enterprise = rng.choice(enterprises)
            if vehicles_by_enterprise.get(enterprise.pk) and rng.random() < 0.5:
                vehicle = rng.choice(vehicles_by_enterprise[enterprise.pk])
            township = enterprise.township or township
        if field in (F.CONSTRUCTION, F.HIGHWAYS_BRIDGES) and projects and rng.random() < 0.6:
            project = rng.choice(projects)
        days = rng.choice((15, 30, 30, 45, 60, 90)) * (2 if level == HazardLevel.MAJOR else 1)
        deadline = found_on + datetime.timedelta(days=days)
        create_defaults = {}
        values = {
            "field": field,
            "level": level,
            "source": rng.choices(list(HazardSource.values), [55, 20, 15, 10])[0],
            "location": f"{township.name}{rng.choice(places)}",
            "township": township,
            "enterprise": enterprise,
            "vehicle": vehicle,
            "project": project,
            "description": rng.choice(descriptions) + "。",
            "found_on": found_on,
            "found_by": registrant,
            "responsible_unit": unit,
            "responsible_person": f"{rng.choice(PERSONS)} 13{rng.randrange(100000000, 999999999)}",
            "measures": measures,
            "funds": Decimal(rng.choice((0, 0.5, 1.2, 2, 3.5, 5, 8, 12, 20, 35))).quantize(Decimal("0.01")),
            "contingency_plan": "整改期间设置警示标志，安排专人值守巡查，遇险情立即启动应急预案。"
            if level == HazardLevel.MAJOR or rng.random() < 0.5
            else "",
            "is_demo": True,
        }
        open_ = not state.startswith("closed")
        if open_ and rng.random() < 0.55:
            # not overdue: a deadline from the day the demo is first loaded (never moved afterwards)
            create_defaults["deadline"] = today + datetime.timedelta(days=rng.randrange(10, 120))
        else:
            values["deadline"] = deadline
        steps = _steps(rng, state, found_on, unit, users, leader, level, registrant)
        values.update(_final_fields(state, steps))
        code = hazard_code(YEAR, number)
        hazard, _changed = upsert(Hazard, {"code": code}, values, create_defaults)
        for action, from_status, to_status, by, at, note in steps:
            upsert(
                HazardTransition,
                {"hazard": hazard, "action": action, "at": at},
                {"from_status": from_status, "to_status": to_status, "by": by, "note": note},
            )
        _photos(hazard, state, level, steps, registrant)
    counter, _ = upsert(HazardCodeCounter, {"year": YEAR}, {}, {"last_number": COUNT})
    if counter.last_number < COUNT:
        counter.last_number = COUNT
        counter.save(update_fields=["last_number"])


def _people(unit, users) -> tuple:
    """The demo users who carry a unit's hazards: its demo staff member reports, the safety unit's head (or, for
    the safety unit's own hazards, its head too — never the reporter) verifies."""
    codes = {demo.name: demo.code for demo in DEMO_UNITS}
    staff = users.get(f"staff_{codes.get(unit.name, 'safety')}") or users["staff_safety"]
    verifier = users["head_safety"] if staff.username != "head_safety" else users["staff_safety"]
    return staff, verifier


def _steps(rng, state, found_on, unit, users, leader, level, registrant) -> list[tuple]:
    S, A = HazardStatus, HazardAction
    staff, verifier = _people(unit, users)
    day = found_on + datetime.timedelta(days=rng.randrange(1, 5))
    steps = []
    if state == "pending":
        return steps
    steps.append((A.START, S.PENDING, S.RECTIFYING, staff, _at(day, 9), ""))
    rounds = 2 if state.endswith("after_failure") else 1
    for round_ in range(rounds):
        day += datetime.timedelta(days=rng.randrange(7, 40))
        last_round = round_ == rounds - 1
        if state.startswith("rectifying") and last_round:
            break
        note = "已按五定要求完成整改，现场设施已补齐，相关人员已培训。"
        steps.append((A.REPORT, S.RECTIFYING, S.VERIFYING, staff, _at(day, 10), note))
        if level == HazardLevel.MAJOR and leader is not None and (state != "verifying" or rng.random() < 0.5):
            day += datetime.timedelta(days=1)
            steps.append((A.SIGN_OFF, S.VERIFYING, S.VERIFYING, leader, _at(day, 15), "同意组织验收。"))
        if state == "verifying" and last_round:
            break
        day += datetime.timedelta(days=rng.randrange(2, 10))
        if last_round:
            steps.append((A.PASS, S.VERIFYING, S.CLOSED, verifier, _at(day, 16), "经现场复查，整改到位，同意销号。"))
        else:
            steps.append((A.FAIL, S.VERIFYING, S.RECTIFYING, verifier, _at(day, 16), rng.choice(FAIL_REASONS)))
    return steps


def _final_fields(state, steps) -> dict:
    """The hazard's workflow fields as its last steps left them."""
    fields = {
        "status": steps[-1][2] if steps else HazardStatus.PENDING,
        "rectification_note": "",
        "rectification_reported_by": None,
        "rectification_reported_at": None,
        "signed_off_by": None,
        "signed_off_at": None,
        "verification_note": "",
        "closed_by": None,
        "closed_at": None,
    }
    for action, _from, _to, by, at, note in steps:
        if action == HazardAction.REPORT:
            fields.update(rectification_note=note, rectification_reported_by=by, rectification_reported_at=at)
        elif action == HazardAction.SIGN_OFF:
            fields.update(signed_off_by=by, signed_off_at=at)
        elif action == HazardAction.FAIL:
            fields.update(signed_off_by=None, signed_off_at=None)
        elif action == HazardAction.PASS:
            fields.update(verification_note=note, closed_by=by, closed_at=at)
    return fields


def _photos(hazard, state, level, steps, registrant) -> None:
    wanted = []
    if level == HazardLevel.MAJOR:
        wanted.append((PhotoKind.FOUND, "现场照片.png", registrant, _at(hazard.found_on, 11), (200, 80, 60)))
    for action, _from, _to, by, at, _note in steps:
        if action == HazardAction.PASS:
            wanted.append((PhotoKind.VERIFICATION, "验收照片.png", by, at, (60, 160, 90)))
    for kind, name, by, at, colour in wanted:
        if HazardPhoto.objects.filter(hazard=hazard, kind=kind, original_name=name).exists():
            continue
        content = _png(colour)
        photo = HazardPhoto(
            hazard=hazard,
            kind=kind,
            file=ContentFile(content, name=name),
            original_name=name,
            size=len(content),
            uploaded_by=by,
            uploaded_at=at,
        )
        photo.save()
