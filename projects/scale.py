"""Scale data for the projects app: per county its projects (name starting with the county prefix) with their
townships, the plan measures they serve, the year's investment plan, a few milestones and monthly progress for each
month of the year the project was under way (see ``manage.py generate_scale_data``)."""

import datetime
import random
from decimal import Decimal

from core.choices import ReviewState
from core.imports.copy_insert import insert_instances
from core.scale import moment, month_starts, random_date, raw_delete
from organisation.scale import SCALE_MARK, County

from .choices import MilestonePhase, ProjectCategory, ProjectList, ProjectStage
from .models import FundingSource, InvestmentPlan, Milestone, MonthlyProgress, Project, ProjectListing

PROJECTS = 300
STAGES = (
    (ProjectStage.PLANNING, 15),
    (ProjectStage.PRELIMINARY, 20),
    (ProjectStage.CONSTRUCTION, 45),
    (ProjectStage.COMPLETED, 15),
    (ProjectStage.SUSPENDED, 5),
)
KINDS = {
    ProjectCategory.EXPRESSWAY: "高速公路连接线",
    ProjectCategory.TRUNK_ROAD: "国省干线提质改造",
    ProjectCategory.URBAN_ROAD: "城区道路改造",
    ProjectCategory.RURAL_ROAD: "农村公路提质改造",
    ProjectCategory.BRIDGE: "危桥改造",
    ProjectCategory.TUNNEL: "隧道工程",
    ProjectCategory.SAFETY_WORKS: "安全生命防护工程",
    ProjectCategory.OTHER: "客运站场建设",
}
MILESTONES = (MilestonePhase.APPROVAL, MilestonePhase.FEASIBILITY, MilestonePhase.START)
NARRATIVES = ("路基施工", "桥梁下部结构施工", "路面摊铺", "附属工程施工", "交安设施安装", "征地拆迁协调")


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def generate(county: County, rng: random.Random) -> dict[str, int]:
    year = county.year
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    stages, weights = zip(*STAGES, strict=True)
    units = list(county.units.values())
    projects = []
    for n in range(county.count(PROJECTS)):
        category = rng.choice(list(KINDS))
        stage = rng.choices(stages, weights)[0]
        planned_start = random_date(rng, datetime.date(year - 1, 7, 1), datetime.date(year, 9, 30))
        project = Project(
            name=f"{county.prefix} 项目{n + 1:04d} {rng.choice(county.townships).name}{KINDS[category]}",
            category=category,
            stage=stage,
            length_km=_money(rng, 1, 40) if category != ProjectCategory.OTHER else None,
            total_investment=_money(rng, 200, 50000),
            owner_entity="县交建投",
            contractor=f"{county.prefix}路桥建设有限公司",
            responsible_unit=county.units["roads"] if rng.random() < 0.8 else rng.choice(units),
            leader=county.leader,
            planned_start=planned_start,
            planned_finish=planned_start + datetime.timedelta(days=rng.randint(180, 900)),
            description=f"{county.prefix}合成项目。",
        )
        if stage in (ProjectStage.CONSTRUCTION, ProjectStage.COMPLETED, ProjectStage.SUSPENDED):
            project.actual_start = random_date(rng, planned_start, planned_start + datetime.timedelta(days=60))
            project.actual_start = min(project.actual_start, datetime.date(year, 11, 30))
        if stage == ProjectStage.COMPLETED:
            project.actual_finish = random_date(rng, max(project.actual_start, first), last)
        projects.append(project)
    insert_instances(Project, projects)

    townships = Project.townships.through
    township_links = [
        townships(project_id=project.pk, township_id=township.pk)
        for project in projects
        for township in rng.sample(county.townships, k=rng.randint(1, 2))
    ]
    insert_instances(townships, township_links)
    served = Project.measures.through
    measure_links = [
        served(project_id=project.pk, measure_id=rng.choice(county.measures).pk)
        for project in projects
        if county.measures and rng.random() < 0.3
    ]
    insert_instances(served, measure_links)

    listings = [
        ProjectListing(project=project, list=rng.choice(ProjectList.values))
        for project in projects
        if rng.random() < 0.5
    ]
    insert_instances(ProjectListing, listings)
    plans, funding, milestones, progress = [], [], [], []
    for project in projects:
        planned = (project.total_investment * Decimal(rng.randint(20, 60)) / 100).quantize(Decimal("0.01"))
        plans.append(InvestmentPlan(project=project, year=year, amount=planned))
        funding.append(FundingSource(project=project, source="city", amount=project.total_investment))
        for offset, phase in enumerate(MILESTONES):
            planned_date = project.planned_start + datetime.timedelta(days=(offset - 2) * 60)
            done = phase != MilestonePhase.START or project.actual_start is not None
            milestones.append(
                Milestone(
                    project=project,
                    phase=phase,
                    planned_date=planned_date,
                    actual_date=(project.actual_start if phase == MilestonePhase.START else planned_date)
                    if done
                    else None,
                )
            )
        progress += _progress(county, rng, project, planned)
    insert_instances(InvestmentPlan, plans)
    insert_instances(FundingSource, funding)
    insert_instances(Milestone, milestones)
    insert_instances(MonthlyProgress, progress)
    county.projects = projects
    return {
        "projects": len(projects),
        "project townships": len(township_links),
        "project measures": len(measure_links),
        "project listings": len(listings),
        "investment plans": len(plans),
        "funding sources": len(funding),
        "milestones": len(milestones),
        "monthly progress": len(progress),
    }


def _progress(county: County, rng: random.Random, project: Project, planned: Decimal) -> list[MonthlyProgress]:
    """One row per month of the year from the actual start to the finish: accepted, but for the last month,
    which may still be a draft, submitted or returned."""
    if project.actual_start is None:
        return []
    start = project.actual_start.replace(day=1)
    end = (project.actual_finish or datetime.date(county.year, 12, 31)).replace(day=1)
    months = [month for month in month_starts(county.year) if start <= month <= end]
    author = rng.choice(county.staff["roads"])
    head = county.heads["roads"]
    rows, physical = [], 0
    for position, month in enumerate(months):
        physical = (
            100 if project.actual_finish and position == len(months) - 1 else min(95, physical + rng.randint(3, 15))
        )
        state = ReviewState.ACCEPTED
        if position == len(months) - 1:
            state = rng.choice((ReviewState.ACCEPTED, ReviewState.SUBMITTED, ReviewState.DRAFT, ReviewState.RETURNED))
        next_month = (month + datetime.timedelta(days=32)).replace(day=1)
        submitted = moment(next_month + datetime.timedelta(days=rng.randint(0, 4)), rng)
        row = MonthlyProgress(
            project=project,
            month=month,
            state=state,
            investment=(planned / max(len(months), 1) * Decimal(rng.randint(50, 120)) / 100).quantize(Decimal("0.01")),
            physical_progress=physical,
            narrative=f"本月完成{rng.choice(NARRATIVES)}。",
            author=author,
        )
        if state != ReviewState.DRAFT:
            row.submitted_at = submitted
        if state in (ReviewState.ACCEPTED, ReviewState.RETURNED):
            row.reviewed_at = submitted + datetime.timedelta(days=1)
            row.reviewed_by = head
        if state == ReviewState.RETURNED:
            row.return_reason = "投资完成数据与台账不符，请核实后重新报送。"
        rows.append(row)
    return rows


def clear() -> dict[str, int]:
    projects = Project.objects.filter(name__startswith=SCALE_MARK)
    of_scale = {"project__name__startswith": SCALE_MARK}
    counts = {
        "monthly progress": raw_delete(MonthlyProgress.objects.filter(**of_scale)),
        "milestones": raw_delete(Milestone.objects.filter(**of_scale)),
        "funding sources": raw_delete(FundingSource.objects.filter(**of_scale)),
        "investment plans": raw_delete(InvestmentPlan.objects.filter(**of_scale)),
        "project listings": raw_delete(ProjectListing.objects.filter(**of_scale)),
        "project townships": raw_delete(Project.townships.through.objects.filter(**of_scale)),
        "project measures": raw_delete(Project.measures.through.objects.filter(**of_scale)),
    }
    counts["projects"] = raw_delete(projects)
    return counts
