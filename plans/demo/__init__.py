"""The portal's demo data: the bureau's real 2020 work plan (plan_2020.txt, its own published text), with
plausible demo units, leaders, dates, checkpoints and monthly reports. Idempotent: a second run writes nothing."""

import datetime
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from core.choices import ProblemCategory, ReviewState
from core.demo import upsert
from organisation.models import Unit, User

from ..choices import MeasureStatus
from ..models import Checkpoint, KeyTask, Measure, ProgressReport, ReportProblem, WorkPlan
from ..parsing import parse_plan

PLAN_TEXT = Path(__file__).with_name("plan_2020.txt")
SHANGHAI = ZoneInfo("Asia/Shanghai")
PLAN_START = datetime.date(2020, 4, 1)


@dataclass(frozen=True)
class Assignment:
    lead: str  # unit short name
    cooperating: tuple[str, ...]
    leader: str  # username
    due: datetime.date
    target: str
    final_progress: int = 100  # where the year ended
    status: str = MeasureStatus.COMPLETED


def _d(month: int, day: int) -> datetime.date:
    return datetime.date(2020, month, day)


# (key task number, measure number) -> who leads it, by when, towards what.
ASSIGNMENTS = {
    (1, 1): Assignment(
        "规建科", ("财审科",), "ldr_li", _d(12, 31), "完成“十四五”交通规划、湘赣边交通互联互通规划编制并报批"
    ),
    (1, 2): Assignment(
        "规建科",
        ("公路中心", "质监站"),
        "ldr_li",
        _d(12, 31),
        "南北横线相关路段启动建设；金阳大道三期、东南旅游干线、G319天马山隧道扩建完成年度投资",
        85,
        MeasureStatus.IN_PROGRESS,
    ),
    (1, 3): Assignment(
        "公路中心", ("规建科",), "ldr_li", _d(11, 30), "完成11个路网衔接和改造工程", 70, MeasureStatus.LAGGING
    ),
    (1, 4): Assignment(
        "公路中心", ("规建科", "质监站"), "ldr_li", _d(12, 31), "完成民生实事、长沙市规、危桥改造、安防工程等年度任务"
    ),
    (2, 1): Assignment("运输科", ("运输中心",), "ldr_chen", _d(12, 31), "建立客货运服务质量信誉评价机制"),
    (2, 2): Assignment("运输科", ("财审科",), "ldr_chen", _d(12, 31), "优化公交线网，新增公交运力"),
    (2, 3): Assignment(
        "运输中心",
        ("执法大队",),
        "ldr_chen",
        _d(9, 30),
        "清理不合规网约车平台、车辆和从业人员",
        60,
        MeasureStatus.IN_PROGRESS,
    ),
    (2, 4): Assignment(
        "法规科", ("运输中心", "办公室"), "ldr_chen", _d(12, 31), "政务服务事项“一网通办”，落实“双公示”"
    ),
    (3, 1): Assignment("执法大队", ("办公室", "法规科"), "ldr_chen", _d(6, 30), "组建综合行政执法大队，落实“三项制度”"),
    (3, 2): Assignment("执法大队", ("公路中心",), "ldr_chen", _d(12, 31), "“百日行动”常态化，治超源头监管全覆盖"),
    (3, 3): Assignment(
        "法规科",
        ("执法大队",),
        "ldr_chen",
        _d(12, 31),
        "编制执法计划，开展执法培训，推进“双随机、一公开”",
        80,
        MeasureStatus.IN_PROGRESS,
    ),
    (3, 4): Assignment(
        "财审科", ("质监站", "办公室"), "ldr_wang", _d(12, 31), "完善财务和内控制度，质量安全监管全覆盖"
    ),
    (4, 1): Assignment("安全科", ("办公室",), "ldr_wang", _d(6, 30), "签订安全生产责任书，落实“一岗双责”"),
    (4, 2): Assignment(
        "安全科", ("质监站", "运输中心"), "ldr_wang", _d(12, 31), "四大领域“隐患清零”", 90, MeasureStatus.IN_PROGRESS
    ),
    (4, 3): Assignment("安全科", ("办公室",), "ldr_wang", _d(10, 31), "落实应急值守，开展应急演练"),
    (4, 4): Assignment("运输中心", ("安全科",), "ldr_wang", _d(12, 31), "智能监管平台覆盖全部“两客一危”车辆"),
    (4, 5): Assignment("安全科", ("公路中心",), "ldr_wang", _d(11, 30), "完成铁路沿线安全环境整治"),
    (5, 1): Assignment("机关党委", (), "ldr_zhou", _d(12, 31), "党支部“五化”建设达标"),
    (5, 2): Assignment("办公室", ("机关党委",), "ldr_zhou", _d(12, 31), "落实周例会、局领导巡查日和谈心日制度"),
    (5, 3): Assignment("机关党委", ("财审科",), "ldr_zhou", _d(12, 31), "压实“两个责任”，开展警示教育"),
    (5, 4): Assignment("办公室", ("机关党委",), "ldr_zhou", _d(12, 31), "舆情监测与处置机制运行，宣传先进典型"),
    (5, 5): Assignment("机关党委", ("办公室",), "ldr_zhou", _d(11, 30), "局机关争创长沙市文明单位"),
}

# Demo problems met, as a report names them (key task, measure) -> [(category, description)].
PROBLEMS = {
    (1, 2): [
        (ProblemCategory.LAND, "南北横线部分路段征地拆迁进度滞后，用地报批未完成"),
        (ProblemCategory.FUNDING, "G319天马山隧道扩建项目资金缺口较大，专项债额度待落实"),
    ],
    (1, 3): [(ProblemCategory.ENVIRONMENT, "部分路网衔接工程涉及生态保护红线，环评审批时间较长")],
    (2, 3): [(ProblemCategory.POLICY, "网约车平台属地管理政策尚待上级明确")],
}


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def load() -> None:
    parsed = parse_plan(PLAN_TEXT.read_text(encoding="utf-8"))
    units = {unit.short_name: unit for unit in Unit.objects.all()}
    users = {user.username: user for user in User.objects.filter(is_demo=True)}
    plan, _ = upsert(
        WorkPlan,
        {"year": parsed.year},
        {
            "title": parsed.title,
            "published": True,
            "published_on": datetime.date(2020, 3, 17),
            "source_text": PLAN_TEXT.read_text(encoding="utf-8"),
            "is_demo": True,
        },
    )
    for parsed_task in parsed.key_tasks:
        task, _ = upsert(KeyTask, {"plan": plan, "number": parsed_task.number}, {"title": parsed_task.title})
        for parsed_measure in parsed_task.measures:
            assignment = ASSIGNMENTS[(parsed_task.number, parsed_measure.number)]
            lead = units[assignment.lead]
            measure, _ = upsert(
                Measure,
                {"key_task": task, "number": parsed_measure.number},
                {
                    "title": parsed_measure.title,
                    "text": parsed_measure.text,
                    "lead_unit": lead,
                    "responsible_leader": users[assignment.leader],
                    "start_date": PLAN_START,
                    "due_date": assignment.due,
                    "target": assignment.target,
                    "status": assignment.status,
                    "progress": assignment.final_progress,
                    "is_demo": True,
                },
            )
            cooperating = {units[name] for name in assignment.cooperating}
            if set(measure.cooperating_units.all()) != cooperating:
                measure.cooperating_units.set(cooperating)
            _load_checkpoints(measure, assignment)
            _load_reports(measure, assignment, (parsed_task.number, parsed_measure.number), users)
    _load_supervision(users)


def _load_checkpoints(measure: Measure, assignment: Assignment) -> None:
    done = assignment.status == MeasureStatus.COMPLETED
    upsert(
        Checkpoint,
        {"measure": measure, "title": "完成年中阶段目标"},
        {"due_date": _d(6, 30), "done_on": _d(6, 28) if assignment.due > _d(6, 30) or done else None},
    )
    if assignment.due > _d(6, 30):
        upsert(
            Checkpoint,
            {"measure": measure, "title": "完成年度目标"},
            {"due_date": assignment.due, "done_on": assignment.due if done else None},
        )


def _load_reports(measure: Measure, assignment: Assignment, key: tuple[int, int], users: dict) -> None:
    """Monthly reports from April to the due month (or November for open measures), progress rising to where
    the year ended. Open measures show the other states: the latest report submitted, returned or a draft."""
    members = {user.role: user for user in users.values() if user.unit_id == measure.lead_unit_id}
    author, head = members[User.Role.STAFF], members[User.Role.UNIT_HEAD]
    last = assignment.due if assignment.status == MeasureStatus.COMPLETED else _d(11, 1)
    months = _months(PLAN_START, last)
    for index, month in enumerate(months, start=1):
        progress = round(assignment.final_progress * index / len(months))
        state = ReviewState.ACCEPTED
        if index == len(months) and assignment.status != MeasureStatus.COMPLETED:
            state = {(2, 3): ReviewState.SUBMITTED, (3, 3): ReviewState.RETURNED, (4, 2): ReviewState.DRAFT}.get(
                key, ReviewState.ACCEPTED
            )
        submitted = _aware(month.replace(day=25))
        reviewed = state in (ReviewState.ACCEPTED, ReviewState.RETURNED)
        report, _ = upsert(
            ProgressReport,
            {"measure": measure, "month": month},
            {
                "text": f"{measure.title}：{month.month}月按计划推进，累计完成年度任务的{progress}%。",
                "progress": progress,
                "state": state,
                "author": author,
                "submitted_at": None if state == ReviewState.DRAFT else submitted,
                "reviewed_by": head if reviewed else None,
                "reviewed_at": _aware(month.replace(day=27)) if reviewed else None,
                "return_reason": "请补充本月具体完成的工作量和下月计划。" if state == ReviewState.RETURNED else "",
            },
        )
        if index == len(months):
            for category, description in PROBLEMS.get(key, []):
                upsert(ReportProblem, {"report": report, "category": category}, {"description": description})


def _load_supervision(users: dict) -> None:
    measure = Measure.objects.get(key_task__plan__year=2020, key_task__number=1, number=2)
    if not measure.is_supervised:
        measure.supervised_by = users["ldr_li"]
        measure.supervised_at = _aware(_d(11, 20))
        measure.supervision_note = "南北横线征地拆迁滞后，请规建科每周报送进展。"
        measure.save(update_fields=["supervised_by", "supervised_at", "supervision_note", "updated_at"])
