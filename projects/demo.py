"""Demo road projects: the 2020 plan's named projects, its 11 road-network works and the dangerous-bridge,
rural-road and safety items, with plausible 2020 monthly progress in every review state, funding, milestones
and blockers. Names beyond the plan's own are invented. Idempotent: a second run writes nothing."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.choices import ProblemCategory, ReviewState
from core.demo import upsert
from organisation.models import Township, Unit, User
from plans.models import Measure

from .choices import FundingSourceKind as F
from .choices import MilestonePhase as P
from .choices import ProjectCategory, ProjectList, ProjectStage
from .models import Blocker, FundingSource, InvestmentPlan, Milestone, MonthlyProgress, Project, ProjectListing

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2020
# The plan's first key task and the words its measures are found by.
KEY_TASK = "全力推进交通项目建设"
MEASURES = {"planning": "规划编制", "projects": "推进项目", "network": "路网优化", "demonstration": "示范带动"}


@dataclass(frozen=True)
class DemoProject:
    name: str
    category: str
    stage: str
    unit: str  # unit short name
    total: int  # 万元
    plan: int  # 2020 planned investment, 万元
    townships: tuple[str, ...]
    lists: tuple[str, ...]
    measure: str  # key of MEASURES
    code: str = ""
    length: str | None = None
    owner: str = "浏阳市交通建设投资有限公司"
    contractor: str = ""
    start: tuple[int, int] | None = None  # planned start (year, month)
    finish: tuple[int, int] | None = None
    done_share: float = 0.9  # share of the year's plan completed by November
    funding: dict = field(default_factory=dict)  # source -> share of the total
    blockers: tuple[tuple[str, str], ...] = ()
    last_state: str = ReviewState.ACCEPTED  # state of the latest month


NAMED = [
    DemoProject(
        "江干高速东延线",
        ProjectCategory.EXPRESSWAY,
        ProjectStage.PLANNING,
        "规建科",
        850000,
        600,
        ("永安镇", "北盛镇", "淳口镇", "社港镇"),
        (ProjectList.FIVE_YEAR_PLAN,),
        "planning",
        length="46.50",
        start=(2022, 6),
        finish=(2025, 12),
        done_share=0.6,
        funding={F.CENTRAL: 0.2, F.PROVINCIAL: 0.3, F.SOCIAL_CAPITAL: 0.5},
        blockers=((ProblemCategory.POLICY, "纳入“十四五”规划尚待省里明确，线位方案需与长沙市衔接"),),
    ),
    DemoProject(
        "湘赣边高速浏阳段",
        ProjectCategory.EXPRESSWAY,
        ProjectStage.PLANNING,
        "规建科",
        1200000,
        800,
        ("大围山镇", "张坊镇", "达浒镇", "官渡镇"),
        (ProjectList.FIVE_YEAR_PLAN,),
        "planning",
        length="62.30",
        start=(2023, 3),
        finish=(2026, 12),
        done_share=0.5,
        funding={F.CENTRAL: 0.25, F.PROVINCIAL: 0.25, F.SOCIAL_CAPITAL: 0.5},
        last_state=ReviewState.SUBMITTED,
    ),
    DemoProject(
        "南北横线浏阳境内路段",
        ProjectCategory.TRUNK_ROAD,
        ProjectStage.PRELIMINARY,
        "规建科",
        320000,
        20000,
        ("洞阳镇", "永安镇", "镇头镇"),
        (ProjectList.FIVE_YEAR_PLAN, ProjectList.CHANGSHA_CITY),
        "projects",
        length="28.60",
        start=(2020, 9),
        finish=(2023, 12),
        done_share=0.45,
        funding={F.PROVINCIAL: 0.3, F.SPECIAL_BOND: 0.4, F.CITY: 0.3},
        blockers=(
            (ProblemCategory.LAND, "部分路段征地拆迁进度滞后，用地报批未完成"),
            (ProblemCategory.FUNDING, "专项债额度尚未下达"),
        ),
    ),
    DemoProject(
        "G106浏阳绕城公路（西南环线）",
        ProjectCategory.TRUNK_ROAD,
        ProjectStage.CONSTRUCTION,
        "规建科",
        186000,
        30000,
        ("集里街道", "荷花街道", "关口街道"),
        (ProjectList.CHANGSHA_CITY,),
        "projects",
        code="G106",
        length="18.20",
        contractor="湖南路桥建设集团有限责任公司",
        start=(2019, 10),
        finish=(2022, 6),
        done_share=0.92,
        funding={F.CENTRAL: 0.2, F.PROVINCIAL: 0.3, F.SPECIAL_BOND: 0.3, F.CITY: 0.2},
    ),
    DemoProject(
        "金阳大道三期",
        ProjectCategory.URBAN_ROAD,
        ProjectStage.CONSTRUCTION,
        "规建科",
        98000,
        25000,
        ("淮川街道", "集里街道"),
        (ProjectList.LIVELIHOOD,),
        "projects",
        length="6.80",
        contractor="中建五局第三建设有限公司",
        start=(2019, 5),
        finish=(2021, 6),
        done_share=1.0,
        funding={F.SPECIAL_BOND: 0.5, F.CITY: 0.5},
        last_state=ReviewState.RETURNED,
    ),
    DemoProject(
        "东南旅游干线",
        ProjectCategory.TRUNK_ROAD,
        ProjectStage.CONSTRUCTION,
        "规建科",
        156000,
        28000,
        ("大围山镇", "达浒镇", "沿溪镇", "张坊镇"),
        (ProjectList.CHANGSHA_CITY, ProjectList.FIVE_YEAR_PLAN),
        "projects",
        length="35.40",
        contractor="湖南省建筑工程集团总公司",
        start=(2019, 3),
        finish=(2022, 12),
        done_share=0.85,
        funding={F.PROVINCIAL: 0.4, F.SPECIAL_BOND: 0.3, F.CITY: 0.3},
        blockers=((ProblemCategory.ENVIRONMENT, "部分路段涉及大围山生态保护红线，环评批复时间较长"),),
    ),
    DemoProject(
        "G319天马山隧道扩建",
        ProjectCategory.TUNNEL,
        ProjectStage.CONSTRUCTION,
        "规建科",
        68000,
        18000,
        ("荷花街道", "关口街道"),
        (ProjectList.FIVE_YEAR_PLAN,),
        "projects",
        code="G319",
        length="2.10",
        contractor="中铁五局集团有限公司",
        start=(2019, 12),
        finish=(2021, 12),
        done_share=0.7,
        funding={F.CENTRAL: 0.3, F.SPECIAL_BOND: 0.4, F.CITY: 0.3},
        blockers=((ProblemCategory.FUNDING, "项目资金缺口较大，专项债额度待落实"),),
        last_state=ReviewState.DRAFT,
    ),
]

# The plan's 11 road-network works (路网衔接和改造工程): connection roads, dead ends, congested and border roads.
NETWORK = [
    ("北盛至永安连接线", ("北盛镇", "永安镇"), 12800, 6000, "8.20"),
    ("洞阳至镇头断头路打通工程", ("洞阳镇", "镇头镇"), 6500, 4000, "4.60"),
    ("沙市至淳口公路提质改造", ("沙市镇", "淳口镇"), 9200, 5000, "11.30"),
    ("社港至龙伏公路提质改造", ("社港镇", "龙伏镇"), 8600, 4500, "9.80"),
    ("官桥至枨冲边界路改造", ("官桥镇", "枨冲镇"), 5400, 3500, "6.10"),
    ("古港至官渡公路拓宽工程", ("古港镇", "官渡镇"), 11200, 5500, "12.50"),
    ("大瑶至金刚连接线", ("大瑶镇", "金刚镇"), 7300, 4000, "7.40"),
    ("文家市至澄潭江湘赣边界路", ("文家市镇", "澄潭江镇"), 6900, 3800, "8.90"),
    ("中和至永和公路改造", ("中和镇", "永和镇"), 7800, 4200, "10.20"),
    ("柏加至普迹连接线", ("柏加镇", "普迹镇"), 4600, 3000, "5.30"),
    ("高坪至葛家断头路打通工程", ("高坪镇", "葛家乡"), 5200, 3200, "5.70"),
]

DEMONSTRATION = [
    DemoProject(
        "2020年危桥改造工程",
        ProjectCategory.BRIDGE,
        ProjectStage.CONSTRUCTION,
        "公路中心",
        4800,
        4800,
        ("小河乡", "大围山镇", "张坊镇", "古港镇"),
        (ProjectList.DANGEROUS_BRIDGE, ProjectList.LIVELIHOOD),
        "demonstration",
        start=(2020, 3),
        finish=(2020, 12),
        done_share=0.95,
        funding={F.PROVINCIAL: 0.5, F.CITY: 0.5},
    ),
    DemoProject(
        "小河乡潭湾大桥危桥重建",
        ProjectCategory.BRIDGE,
        ProjectStage.CONSTRUCTION,
        "公路中心",
        1600,
        1600,
        ("小河乡",),
        (ProjectList.DANGEROUS_BRIDGE,),
        "demonstration",
        length="0.12",
        start=(2020, 4),
        finish=(2020, 11),
        done_share=1.0,
        funding={F.PROVINCIAL: 0.6, F.CITY: 0.4},
    ),
    DemoProject(
        "2020年四好农村路提质改造",
        ProjectCategory.RURAL_ROAD,
        ProjectStage.CONSTRUCTION,
        "公路中心",
        15000,
        15000,
        ("沿溪镇", "官渡镇", "达浒镇", "社港镇", "龙伏镇"),
        (ProjectList.FOUR_GOOD_RURAL, ProjectList.LIVELIHOOD),
        "demonstration",
        length="120.00",
        start=(2020, 3),
        finish=(2020, 12),
        done_share=0.9,
        funding={F.CENTRAL: 0.2, F.PROVINCIAL: 0.3, F.CITY: 0.5},
    ),
    DemoProject(
        "贫困村公路建设项目",
        ProjectCategory.RURAL_ROAD,
        ProjectStage.CONSTRUCTION,
        "公路中心",
        3600,
        3600,
        ("张坊镇", "大围山镇", "小河乡"),
        (ProjectList.POOR_VILLAGE,),
        "demonstration",
        length="42.00",
        start=(2020, 3),
        finish=(2020, 10),
        done_share=1.0,
        funding={F.CENTRAL: 0.4, F.PROVINCIAL: 0.4, F.CITY: 0.2},
    ),
    DemoProject(
        "自然村通水泥（沥青）路建设",
        ProjectCategory.RURAL_ROAD,
        ProjectStage.CONSTRUCTION,
        "公路中心",
        8200,
        8200,
        ("文家市镇", "中和镇", "澄潭江镇", "大瑶镇"),
        (ProjectList.LIVELIHOOD,),
        "demonstration",
        length="96.00",
        start=(2020, 4),
        finish=(2020, 12),
        done_share=0.85,
        funding={F.PROVINCIAL: 0.3, F.CITY: 0.7},
        blockers=((ProblemCategory.FUNDING, "部分镇村配套资金到位不及时"),),
    ),
    DemoProject(
        "2020年公路安防工程",
        ProjectCategory.SAFETY_WORKS,
        ProjectStage.CONSTRUCTION,
        "公路中心",
        3000,
        3000,
        ("永和镇", "高坪镇", "官桥镇"),
        (ProjectList.LIVELIHOOD,),
        "demonstration",
        length="85.00",
        start=(2020, 4),
        finish=(2020, 11),
        done_share=1.0,
        funding={F.PROVINCIAL: 0.5, F.CITY: 0.5},
    ),
]


def _network_projects() -> list[DemoProject]:
    states = {2: ReviewState.SUBMITTED, 5: ReviewState.RETURNED, 8: ReviewState.DRAFT}
    projects = []
    for index, (name, townships, total, plan, length) in enumerate(NETWORK):
        projects.append(
            DemoProject(
                name,
                ProjectCategory.RURAL_ROAD if "断头路" in name else ProjectCategory.TRUNK_ROAD,
                ProjectStage.CONSTRUCTION,
                "公路中心",
                total,
                plan,
                townships,
                (ProjectList.ROAD_NETWORK,),
                "network",
                length=length,
                contractor="浏阳市公路桥梁建设有限公司",
                start=(2020, 3 + index % 3),
                finish=(2021, 6 + index % 6),
                done_share=(0.7, 0.85, 1.0)[index % 3],
                funding={F.SPECIAL_BOND: 0.4, F.CITY: 0.6},
                blockers=((ProblemCategory.LAND, "沿线个别农户青苗补偿未谈妥"),) if index in (1, 6) else (),
                last_state=states.get(index, ReviewState.ACCEPTED),
            )
        )
    return projects


def demo_projects() -> list[DemoProject]:
    return NAMED + _network_projects() + DEMONSTRATION


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _date(year_month: tuple[int, int] | None, day: int = 1) -> datetime.date | None:
    return datetime.date(year_month[0], year_month[1], day) if year_month else None


def _milestones(demo: DemoProject) -> dict[str, tuple[datetime.date | None, datetime.date | None]]:
    """Planned and actual dates of the phases, by stage: earlier phases done (some late), later ones planned."""
    start, finish = _date(demo.start), _date(demo.finish, 28)
    year = start.year
    planned = {
        P.APPROVAL: datetime.date(year - 2, 6, 30),
        P.FEASIBILITY: datetime.date(year - 2, 12, 31),
        P.PRELIMINARY_DESIGN: datetime.date(year - 1, 6, 30),
        P.LAND: start - datetime.timedelta(days=30),
        P.START: start,
        P.HANDOVER: finish - datetime.timedelta(days=60),
        P.COMPLETION: finish + datetime.timedelta(days=180),
    }
    done_phases = {
        ProjectStage.PLANNING: (),
        ProjectStage.PRELIMINARY: (P.APPROVAL, P.FEASIBILITY),
        ProjectStage.CONSTRUCTION: (P.APPROVAL, P.FEASIBILITY, P.PRELIMINARY_DESIGN, P.LAND, P.START),
    }[demo.stage]
    late = 45 if demo.blockers else 10
    result = {}
    for phase, day in planned.items():
        if demo.stage == ProjectStage.PLANNING and phase not in (P.APPROVAL, P.FEASIBILITY, P.START, P.COMPLETION):
            continue
        actual = None
        if phase in done_phases:
            actual = day + datetime.timedelta(days=late if phase == P.LAND else -5)
            actual = min(actual, datetime.date(YEAR, 11, 30))
        if demo.stage == ProjectStage.PLANNING and phase == P.APPROVAL:
            day = datetime.date(YEAR, 12, 31)
        result[phase] = (day, actual)
    return result


def _months(demo: DemoProject) -> list[datetime.date]:
    first = 1 if demo.stage != ProjectStage.CONSTRUCTION or demo.start[0] < YEAR else demo.start[1]
    return [datetime.date(YEAR, month, 1) for month in range(max(first, 1), 12)]


def _amounts(demo: DemoProject, count: int) -> list[Decimal]:
    """The year's completed investment (plan × share) spread over the months, rising to a mid-year peak."""
    weights = [1 + (i % 4) + (2 if count // 3 <= i <= 2 * count // 3 else 0) for i in range(count)]
    done = Decimal(demo.plan) * Decimal(str(demo.done_share))
    amounts = [(done * w / sum(weights)).quantize(Decimal("0.01")) for w in weights]
    amounts[-1] += done.quantize(Decimal("0.01")) - sum(amounts)
    return amounts


def load() -> None:
    units = {unit.short_name: unit for unit in Unit.objects.all()}
    users = {user.username: user for user in User.objects.filter(is_demo=True)}
    townships = {township.name: township for township in Township.objects.all()}
    measures = {
        key: Measure.objects.filter(key_task__plan__year=YEAR, key_task__title=KEY_TASK, title__contains=words).first()
        for key, words in MEASURES.items()
    }
    for demo in demo_projects():
        _load_project(demo, units, users, townships, measures)


def _load_project(demo: DemoProject, units, users, townships, measures) -> None:
    unit = units[demo.unit]
    project, _ = upsert(
        Project,
        {"name": demo.name},
        {
            "code": demo.code,
            "category": demo.category,
            "stage": demo.stage,
            "length_km": Decimal(demo.length) if demo.length else None,
            "total_investment": Decimal(demo.total),
            "owner_entity": demo.owner,
            "contractor": demo.contractor,
            "responsible_unit": unit,
            "leader": users.get("ldr_li"),
            "planned_start": _date(demo.start),
            "planned_finish": _date(demo.finish, 28),
            "actual_start": _date(demo.start, 10) if demo.stage == ProjectStage.CONSTRUCTION else None,
            "actual_finish": None,
            "is_demo": True,
        },
    )
    wanted_townships = {townships[name] for name in demo.townships}
    if set(project.townships.all()) != wanted_townships:
        project.townships.set(wanted_townships)
    measure = measures.get(demo.measure)
    if measure is not None and set(project.measures.all()) != {measure}:
        project.measures.set([measure])
    for code in demo.lists:
        upsert(ProjectListing, {"project": project, "list": code}, {})
    for source, share in demo.funding.items():
        upsert(
            FundingSource,
            {"project": project, "source": source},
            {"amount": Decimal(demo.total * share).quantize(Decimal("0.01"))},
        )
    upsert(InvestmentPlan, {"project": project, "year": YEAR}, {"amount": Decimal(demo.plan)})
    for phase, (planned, actual) in _milestones(demo).items():
        upsert(Milestone, {"project": project, "phase": phase}, {"planned_date": planned, "actual_date": actual})
    _load_progress(demo, project, unit, users)


def _load_progress(demo: DemoProject, project: Project, unit: Unit, users: dict) -> None:
    members = {user.role: user for user in users.values() if user.unit_id == unit.pk}
    author, head = members[User.Role.STAFF], members[User.Role.UNIT_HEAD]
    months = _months(demo)
    amounts = _amounts(demo, len(months))
    base = 0 if demo.stage != ProjectStage.CONSTRUCTION or demo.start[0] == YEAR else 20
    for index, (month, amount) in enumerate(zip(months, amounts, strict=True), start=1):
        last = index == len(months)
        state = demo.last_state if last else ReviewState.ACCEPTED
        reviewed = state in (ReviewState.ACCEPTED, ReviewState.RETURNED)
        physical = min(100, base + round((100 - base) * demo.done_share * index / len(months) * 0.9))
        if demo.stage != ProjectStage.CONSTRUCTION:
            physical = 0
        progress, _ = upsert(
            MonthlyProgress,
            {"project": project, "month": month},
            {
                "investment": amount,
                "physical_progress": physical,
                "narrative": f"{project.name}：{month.month}月完成投资{amount}万元，"
                + (
                    "开展前期研究和规划衔接工作。"
                    if demo.stage != ProjectStage.CONSTRUCTION
                    else "路基、桥涵等主体工程有序推进。"
                ),
                "state": state,
                "author": author,
                "submitted_at": None if state == ReviewState.DRAFT else _aware(month.replace(day=25)),
                "reviewed_by": head if reviewed else None,
                "reviewed_at": _aware(month.replace(day=27)) if reviewed else None,
                "return_reason": "请补充本月投资完成的计量支付依据。" if state == ReviewState.RETURNED else "",
                "is_demo": True,
            },
        )
        if last or index == len(months) - 1:
            for category, description in demo.blockers:
                upsert(Blocker, {"progress": progress, "category": category}, {"description": description})
