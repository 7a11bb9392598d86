"""Demo data of the inspections app: an inspector pool with a few declared conflicts, a year (2020) of inspections
of every kind with findings, and random draws made through the draw service with fixed seeds (so that the demo is
the same on every machine). Idempotent: a second run writes nothing. The law-enforcement units are flagged
(``Unit.enforces_law``) by the organisation's demo data.

Links to enterprises and projects are made when their demo data is loaded; without it they are left out."""

import datetime
import hashlib
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.hashers import make_password

from core.demo import upsert
from organisation.demo import DEMO_PASSWORD
from organisation.models import Unit, User

from . import services
from .choices import InspectionKind
from .models import ConflictOfInterest, Draw, Finding, Inspection, Inspector

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Law-enforcement officers of the brigade, added to the demo users (invented names).
OFFICERS = [
    ("officer_01", "谭志强"),
    ("officer_02", "胡海燕"),
    ("officer_03", "宋建军"),
    ("officer_04", "毛晓东"),
    ("officer_05", "戴丽萍"),
    ("officer_06", "肖国庆"),
]

# (month, day, kind, unit short name, summary, findings)
INSPECTIONS = [
    (
        1,
        9,
        InspectionKind.SPECIAL,
        "运输中心",
        "春运前客运站场及班线客车安全专项检查",
        ["部分客车安全锤缺失", "站内安检仪操作人员未持证上岗"],
    ),
    (1, 21, InspectionKind.UNANNOUNCED, "执法大队", "春运期间“四不两直”暗查暗访", ["驾驶员连续驾驶超过4小时未休息"]),
    (2, 26, InspectionKind.ROUTINE, "运输中心", "疫情期间客运企业复工复产安全检查", []),
    (3, 18, InspectionKind.ROUTINE, "执法大队", "危险货物运输企业日常检查", ["动态监控平台报警处置记录不全"]),
    (
        4,
        15,
        InspectionKind.SPECIAL,
        "质监站",
        "汛期前在建工程安全专项检查",
        ["高边坡防护措施不到位", "临时用电线路敷设不规范"],
    ),
    (5, 20, InspectionKind.UNANNOUNCED, "执法大队", "全国两会期间“四不两直”检查", []),
    (6, 10, InspectionKind.ROUTINE, "运输中心", "驾培机构教练车日常检查", ["教练车副制动装置失效"]),
    (7, 8, InspectionKind.SPECIAL, "质监站", "桥梁施工安全专项检查", ["支架搭设未按方案验收"]),
    (8, 19, InspectionKind.ROUTINE, "执法大队", "维修企业安全生产日常检查", []),
    (9, 16, InspectionKind.UNANNOUNCED, "执法大队", "“两客一危”车辆“四不两直”抽查", ["车辆卫星定位装置不在线"]),
    (10, 28, InspectionKind.SPECIAL, "运输中心", "国庆中秋假期后道路运输安全专项检查", []),
    (11, 25, InspectionKind.ROUTINE, "质监站", "在建项目冬季施工安全日常检查", ["隧道内通风监测记录缺失"]),
    (12, 16, InspectionKind.SPECIAL, "执法大队", "岁末年初安全生产专项检查", ["应急预案未按期演练"]),
]

# (title, enterprise type, N, M, made at, turn into inspections on)
DRAWS = [
    (
        "2020年第一季度道路客运企业双随机抽查",
        "passenger",
        3,
        2,
        datetime.datetime(2020, 3, 20, 9, 30),
        datetime.date(2020, 3, 26),
    ),
    (
        "2020年第二季度危险货物运输企业双随机抽查",
        "dangerous_goods",
        2,
        2,
        datetime.datetime(2020, 6, 5, 10, 0),
        datetime.date(2020, 6, 12),
    ),
    ("2020年下半年道路运输企业双随机抽查", "", 5, 3, datetime.datetime(2020, 9, 22, 15, 0), None),
]


def _seed(title: str) -> str:
    """A fixed seed per demo draw, so that the demo is reproducible (a real draw takes a new random one)."""
    return hashlib.sha256(title.encode()).hexdigest()[:32]


def _models_of(app_label: str, model: str):
    try:
        return apps.get_model(app_label, model)
    except LookupError:
        return None


def load() -> None:
    units = {unit.short_name: unit for unit in Unit.objects.all()}
    inspectors = _pool(units)
    Enterprise = _models_of("enterprises", "Enterprise")
    Project = _models_of("projects", "Project")
    enterprises = list(Enterprise.objects.filter(is_demo=True).order_by("pk")) if Enterprise else []
    projects = list(Project.objects.filter(is_demo=True).order_by("pk")) if Project else []
    _conflicts(enterprises, inspectors, units)
    _inspections(units, inspectors, enterprises, projects)
    _draws(enterprises)


def _pool(units) -> list[Inspector]:
    people = []
    brigade = units.get("执法大队")
    if brigade is not None:
        for username, full_name in OFFICERS:
            user, _ = upsert(
                User,
                {"username": username},
                {"full_name": full_name, "role": User.Role.STAFF, "unit": brigade, "is_demo": True},
                {"password": make_password(DEMO_PASSWORD)},
            )
            people.append(user)
    for code in ("enforcement", "services", "quality"):
        for role in ("head", "staff"):
            user = User.objects.filter(username=f"{role}_{code}").first()
            if user is not None:
                people.append(user)
    pool = []
    for number, user in enumerate(sorted(people, key=lambda u: u.username), start=1):
        inspector, _ = upsert(
            Inspector,
            {"user": user},
            {"certificate_number": f"4301812020{number:04d}", "active": True, "is_demo": True},
        )
        pool.append(inspector)
    return pool


def _conflicts(enterprises, inspectors, units) -> None:
    if not enterprises or not inspectors:
        return
    upsert(
        ConflictOfInterest,
        {"enterprise": enterprises[0], "inspector": inspectors[0]},
        {"reason": "近亲属在该企业任职", "declared_on": datetime.date(2020, 1, 6), "is_demo": True},
    )
    if "运输中心" in units and len(enterprises) > 1:
        upsert(
            ConflictOfInterest,
            {"enterprise": enterprises[1], "unit": units["运输中心"]},
            {
                "reason": "该单位参与企业年度质量信誉考核初评，回避抽查",
                "declared_on": datetime.date(2020, 1, 6),
                "is_demo": True,
            },
        )


def _inspections(units, inspectors, enterprises, projects) -> None:
    creator = User.objects.filter(username="admin").first()
    if creator is None:
        return
    by_unit = {}
    for inspector in inspectors:
        by_unit.setdefault(inspector.user.unit_id, []).append(inspector.user)
    for number, (month, day, kind, short_name, summary, findings) in enumerate(INSPECTIONS):
        unit = units.get(short_name)
        if unit is None:
            continue
        inspection, _ = upsert(
            Inspection,
            {"date": datetime.date(2020, month, day), "kind": kind, "lead_unit": unit},
            {"summary": summary, "is_demo": True},
            {"created_by": creator},
        )
        people = by_unit.get(unit.pk, [])[:2] or [creator]
        _set(inspection.inspectors, people)
        chosen_enterprises, chosen_projects = [], []
        if short_name == "质监站":
            chosen_projects = projects[number % len(projects) : number % len(projects) + 1] if projects else []
        elif enterprises:
            chosen_enterprises = [
                enterprises[(2 * number) % len(enterprises)],
                enterprises[(2 * number + 1) % len(enterprises)],
            ]
        _set(inspection.enterprises, chosen_enterprises)
        _set(inspection.projects, chosen_projects)
        for index, text in enumerate(findings):
            target = {}
            if chosen_enterprises:
                target["enterprise"] = chosen_enterprises[index % len(chosen_enterprises)]
            elif chosen_projects:
                target["project"] = chosen_projects[0]
            upsert(Finding, {"inspection": inspection, "text": text}, target)


def _set(relation, objects) -> None:
    if set(relation.values_list("pk", flat=True)) != {obj.pk for obj in objects}:
        relation.set(objects)


def _draws(enterprises) -> None:
    actor = User.objects.filter(username="head_enforcement").first()
    if actor is None or not enterprises:
        return
    for title, enterprise_type, count, per_enterprise, made_at, inspect_on in DRAWS:
        seed = _seed(title)
        draw = Draw.objects.filter(seed=seed).first()
        if draw is None:
            available = sum(1 for e in enterprises if not enterprise_type or e.enterprise_type == enterprise_type)
            if available == 0:
                continue
            draw = services.draw_make(
                user=actor,
                title=title,
                enterprise_type=enterprise_type,
                enterprise_count=min(count, available),
                inspectors_per_enterprise=per_enterprise,
                seed=seed,
                made_at=made_at.replace(tzinfo=SHANGHAI),
                is_demo=True,
            )
        if inspect_on and not draw.inspections.exists():
            services.draw_create_inspections(user=actor, draw=draw, date=inspect_on, summary="双随机抽查")
