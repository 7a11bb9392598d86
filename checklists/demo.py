"""Demo checklists: the 2020 真抓实干督查激励 indicators drawn from the 2020 plan's targets (project investment,
measures on time, hazard zero-out, random draws — computed by the portal — and a few the lead units enter) and the
城乡客运一体化示范县创建 acceptance standard, filled by the demo units' staff through the services (so the audit
history is real), with comments adopted or answered. Nothing is signed: a leader signs in the demo. Run after the
other demo modules (the computed items take their figures). Idempotent: a second run writes nothing."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from organisation.models import Unit, User

from . import services
from .choices import ChecklistKind, DataSource
from .models import Checklist, ChecklistItem

YEAR = 2020
# Demo unit names → their codes in organisation.demo (staff_<code>, head_<code>).
CODES = {
    "办公室": "office",
    "规划建设科": "planning",
    "运输服务科": "transport",
    "安全应急科": "safety",
    "政策法规科": "legal",
    "财务审计科": "finance",
    "公路建设养护中心": "roads",
    "道路运输服务中心": "services",
    "交通运输综合行政执法大队": "enforcement",
}


@dataclass(frozen=True)
class DemoItem:
    name: str
    unit_of_measure: str
    target: str
    scoring_rule: str
    full_marks: str
    lead: str  # lead unit's name
    responsible: tuple[str, ...]
    self_score: str | None  # None: not yet filled
    explanation: str = ""
    figure: str = ""  # a computed item's figure
    value: str | None = None  # an entered item's value
    comment: tuple[str, str, str] | None = None  # (responsible unit, text, "adopt:<note>" or "answer:<reason>")
    corrected: str | None = None  # the value the lead unit enters after adopting the comment


@dataclass(frozen=True)
class DemoChecklist:
    kind: str
    title: str
    deadline: datetime.date
    leader: str  # the responsible leader's username
    description: str
    items: tuple[DemoItem, ...]


INCENTIVE = DemoChecklist(
    ChecklistKind.INCENTIVE,
    "真抓实干督查激励指标自评",
    datetime.date(2021, 1, 15),
    "ldr_zhou",
    "对照省政府真抓实干督查激励交通运输类指标和2020年交通运输工作计划，各牵头单位自评，责任单位复核，局领导审定报送。",
    (
        DemoItem(
            "重点项目投资完成率",
            "%",
            "100",
            "完成年度计划投资得满分，每低1个百分点扣0.5分。",
            "20",
            "规划建设科",
            ("财务审计科", "公路建设养护中心"),
            "18",
            "以项目库月度进度统计为准，部分项目受用地报批影响未完成年度投资。",
            figure="projects.investment_rate",
            comment=(
                "财务审计科",
                "财政资金到位数与项目库统计口径不一致，建议核对后再报。",
                "answer:督查激励按项目完成投资统计，不以资金到位数计，口径与省厅要求一致。",
            ),
        ),
        DemoItem(
            "举措按期完成率",
            "%",
            "≥95",
            "按期完成率达到95%得满分，每低1个百分点扣0.5分。",
            "15",
            "办公室",
            ("规划建设科",),
            "14",
            "按年度工作计划举措的完成时限统计。",
            figure="plans.on_time_rate",
        ),
        DemoItem(
            "隐患清零率",
            "%",
            "100",
            "四大领域隐患清零率每低1个百分点扣0.5分。",
            "15",
            "安全应急科",
            ("交通运输综合行政执法大队",),
            "13",
            "以隐患排查治理台账为准，未清零隐患均已落实整改责任和时限。",
            figure="safety.zero_out_rate",
        ),
        DemoItem(
            "双随机抽查公开",
            "次",
            "≥3",
            "年度开展双随机抽查并即时公开不少于3次得满分，每少1次扣2分。",
            "10",
            "交通运输综合行政执法大队",
            ("政策法规科",),
            "10",
            "抽取结果在抽取时即公开。",
            figure="inspections.draws_published",
        ),
        DemoItem(
            "农村公路优良中等路率",
            "%",
            "≥80",
            "达到80%得满分，每低1个百分点扣1分。",
            "10",
            "公路建设养护中心",
            ("规划建设科",),
            "10",
            "2020年农村公路路况自动化检测结果，优良中等路率83.6%。",
            value="83.6",
        ),
        DemoItem(
            "较大以上交通安全责任事故",
            "起",
            "0",
            "发生1起较大以上责任事故不得分。",
            "10",
            "安全应急科",
            ("交通运输综合行政执法大队", "道路运输服务中心"),
            "10",
            "全年未发生较大以上交通安全责任事故。",
            value="0",
        ),
        DemoItem(
            "行政执法“三项制度”落实率",
            "%",
            "100",
            "行政执法公示、执法全过程记录、重大执法决定法制审核全面落实得满分，每项未落实扣2分。",
            "10",
            "政策法规科",
            ("交通运输综合行政执法大队",),
            "9",
            "执法全过程记录仪配备尚有缺口，已列入2021年采购计划。",
            value="95",
        ),
    ),
)

ACCEPTANCE = DemoChecklist(
    ChecklistKind.ACCEPTANCE,
    "城乡客运一体化示范县创建验收",
    datetime.date(2020, 12, 31),
    "ldr_chen",
    "对照省级城乡客运一体化示范县创建验收标准逐项自查，牵头单位填报并附佐证材料。",
    (
        DemoItem(
            "建制村通客车率",
            "%",
            "100",
            "具备条件的建制村100%通客车得满分，未达到不得分。",
            "20",
            "道路运输服务中心",
            ("运输服务科",),
            "20",
            "全市具备条件的建制村全部开通客车，班次不低于每日2班。",
            value="100",
        ),
        DemoItem(
            "镇村公交覆盖率",
            "%",
            "≥60",
            "达到60%得满分，每低5个百分点扣1分。",
            "15",
            "运输服务科",
            ("道路运输服务中心",),
            "15",
            "已开通镇村公交的乡镇（街道）占比。",
            value="72.5",
            comment=(
                "道路运输服务中心",
                "大围山镇镇村公交线路11月已停运，覆盖率应扣除。",
                "adopt:已核实，按扣除大围山镇后的覆盖率重新填报。",
            ),
            corrected="68.8",
        ),
        DemoItem(
            "客运站场建设",
            "个",
            "乡镇综合运输服务站全覆盖",
            "每缺1个乡镇综合运输服务站扣1分。",
            "15",
            "规划建设科",
            ("道路运输服务中心", "公路建设养护中心"),
            "14",
            "建成乡镇综合运输服务站31个，官渡镇站在建。",
            value="31",
        ),
        DemoItem(
            "安全监管（隐患清零率）",
            "%",
            "100",
            "道路运输领域隐患清零率每低1个百分点扣0.5分。",
            "15",
            "安全应急科",
            ("道路运输服务中心",),
            "13",
            "以隐患排查治理台账为准。",
            figure="safety.zero_out_rate",
        ),
        DemoItem(
            "价格惠民（城乡公交票价）",
            "元",
            "≤2",
            "城乡公交单一票价不超过2元得满分。",
            "10",
            "运输服务科",
            ("财务审计科",),
            "10",
            "城乡公交实行2元一票制，老年人免费乘车。",
            value="2",
        ),
        DemoItem(
            "信息化（客运车辆动态监控接入率）",
            "%",
            "100",
            "农村客运车辆全部接入动态监控平台得满分，每低1个百分点扣0.5分。",
            "10",
            "道路运输服务中心",
            ("运输服务科",),
            None,  # still to fill: the lead unit is reminded of the deadline
        ),
    ),
)

CHECKLISTS = (INCENTIVE, ACCEPTANCE)


def load() -> None:
    users = {user.username: user for user in User.objects.filter(is_demo=True)}
    admin = users.get("admin")
    units = {unit.name: unit for unit in Unit.objects.filter(name__in=CODES)}
    if admin is None or len(units) < len(CODES):
        return  # the demo organisation is not loaded
    for demo in CHECKLISTS:
        checklist = Checklist.objects.filter(year=YEAR, title=demo.title).first()
        if checklist is None:
            checklist = services.checklist_create(
                user=admin,
                year=YEAR,
                kind=demo.kind,
                title=demo.title,
                deadline=demo.deadline,
                responsible_leader=users[demo.leader],
                description=demo.description,
                is_demo=True,
            )
        for number, item in enumerate(demo.items, start=1):
            _item(checklist, number, item, admin, users, units)


def _item(checklist, number: int, demo: DemoItem, admin, users, units) -> None:
    item = ChecklistItem.objects.filter(checklist=checklist, number=number).first()
    if item is None:
        item = services.item_create(
            user=admin,
            checklist=checklist,
            number=number,
            name=demo.name,
            unit_of_measure=demo.unit_of_measure,
            target=demo.target,
            scoring_rule=demo.scoring_rule,
            full_marks=Decimal(demo.full_marks),
            lead_unit=units[demo.lead],
            responsible_units=[units[name] for name in demo.responsible],
            source=DataSource.COMPUTED if demo.figure else DataSource.ENTERED,
            figure_key=demo.figure,
            is_demo=True,
        )
    if demo.self_score is None or item.is_filled:
        return
    staff, head = users[f"staff_{CODES[demo.lead]}"], users[f"head_{CODES[demo.lead]}"]
    value = None if demo.value is None else Decimal(demo.value)
    fill = {"self_score": Decimal(demo.self_score), "explanation": demo.explanation}
    item = services.item_fill(user=staff, item=item, value=value, **fill)
    if demo.comment is None:
        return
    unit, text, resolution = demo.comment
    comment = services.comment_add(user=users[f"staff_{CODES[unit]}"], item=item, text=text)
    action, _separator, words = resolution.partition(":")
    if action == "adopt":
        services.comment_adopt(user=head, comment=comment, note=words)
        services.item_fill(user=staff, item=item, value=Decimal(demo.corrected), **fill)
    else:
        services.comment_answer(user=head, comment=comment, reason=words)
