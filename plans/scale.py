"""Scale data for the plans app: per county a few key tasks of the year's work plan and their measures (see
``manage.py generate_scale_data``). A scale key task's and measure's title starts with the county prefix; the work
plan is the year's existing one, or one made here whose title starts with ``SCALE_MARK``."""

import datetime
import random

from core.imports.copy_insert import insert_instances
from core.scale import random_date, raw_delete
from organisation.scale import SCALE_MARK, County

from .choices import MeasureStatus
from .models import KeyTask, Measure, WorkPlan

MEASURES = 100
KEY_TASKS = 5
TOPICS = (
    "推进国省干线提质改造",
    "实施农村公路安全生命防护工程",
    "开展危桥改造",
    "推进客运站场建设",
    "整治道路运输安全隐患",
    "提升公交服务水平",
    "推进“四好农村路”示范创建",
    "开展治超联合执法",
)
TASK_TITLES = ("全力推进交通项目建设", "巩固道路运输安全", "提升运输服务质量", "深化行业治理", "加强党的建设")
STATUSES = (
    (MeasureStatus.NOT_STARTED, 15),
    (MeasureStatus.IN_PROGRESS, 45),
    (MeasureStatus.COMPLETED, 25),
    (MeasureStatus.LAGGING, 12),
    (MeasureStatus.CANCELLED, 3),
)


def ensure_plan(year: int) -> WorkPlan:
    """The year's work plan: the existing one (the demo's, say), or a published scale plan."""
    plan = WorkPlan.objects.filter(year=year).first()
    if plan is None:
        plan = WorkPlan(
            year=year,
            title=f"{SCALE_MARK}合成数据 {year}年工作计划",
            published=True,
            published_on=datetime.date(year, 1, 1),
        )
        insert_instances(WorkPlan, [plan])
    return plan


def generate(county: County, rng: random.Random, *, plan: WorkPlan) -> dict[str, int]:
    year = county.year
    tasks = [
        KeyTask(plan=plan, number=1000 + county.index * 10 + n, title=f"{county.prefix} {title}")
        for n, title in enumerate(TASK_TITLES[:KEY_TASKS])
    ]
    insert_instances(KeyTask, tasks)
    units = list(county.units.values())
    statuses, weights = zip(*STATUSES, strict=True)
    measures = []
    for n in range(county.count(MEASURES)):
        task = tasks[n % len(tasks)]
        topic = rng.choice(TOPICS)
        status = rng.choices(statuses, weights)[0]
        start = random_date(rng, datetime.date(year, 1, 1), datetime.date(year, 6, 30))
        progress = {
            MeasureStatus.NOT_STARTED: 0,
            MeasureStatus.COMPLETED: 100,
        }.get(status, rng.randint(5, 95))
        measures.append(
            Measure(
                key_task=task,
                number=n // len(tasks) + 1,
                title=f"{county.prefix} 举措{n + 1:03d} {topic}",
                text=f"{topic}，{county.prefix}年内完成第{n + 1}项工作目标。",
                lead_unit=rng.choice(units),
                responsible_leader=county.leader,
                start_date=start,
                due_date=random_date(rng, start, datetime.date(year, 12, 31)),
                target=f"完成{topic}年度任务",
                status=status,
                progress=progress,
            )
        )
    insert_instances(Measure, measures)
    through = Measure.cooperating_units.through
    links = [
        through(measure_id=measure.pk, unit_id=unit.pk)
        for measure in measures
        for unit in rng.sample([u for u in units if u.pk != measure.lead_unit_id], k=rng.randint(0, 2))
    ]
    insert_instances(through, links)
    county.measures = measures
    return {"key tasks": len(tasks), "measures": len(measures), "measure cooperating units": len(links)}


def clear() -> dict[str, int]:
    measures = Measure.objects.filter(title__startswith=SCALE_MARK)
    counts = {
        "measure cooperating units": raw_delete(
            Measure.cooperating_units.through.objects.filter(measure__title__startswith=SCALE_MARK)
        ),
        "measures": raw_delete(measures),
        "key tasks": raw_delete(KeyTask.objects.filter(title__startswith=SCALE_MARK)),
    }
    counts["work plans"] = raw_delete(WorkPlan.objects.filter(title__startswith=SCALE_MARK, key_tasks__isnull=True))
    return counts
