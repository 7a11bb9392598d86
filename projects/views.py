"""Pages of the projects app. Thin: read through restricted querysets and selectors, write through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import periods
from core.choices import ProblemCategory, ReviewState
from core.reviews import awaiting_review, first_of_month, next_month_due
from core.uploads import stored_file_response
from core.views import add_service_errors, filter_options, paginate, review_decide, year_param

from . import selectors, services
from .choices import FundingSourceKind, MilestonePhase
from .filters import ProjectFilter
from .forms import BlockerFormSet, MilestoneFormSet, ProgressForm, ProjectForm, ReviewForm, blockers_from
from .models import Blocker, Milestone, MonthlyProgress, ProgressPhoto, Project

# Registry ---------------------------------------------------------------------------------------------------


@login_required
def project_list(request):
    year = year_param(request, periods.default_year)
    project_filter = ProjectFilter(request.GET, queryset=Project.objects.restrict(request.user), year=year)
    rows = project_filter.qs
    totals = selectors.registry_totals(project_filter, year)  # of the rows shown, all pages
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/project_list.html",
        {
            "filter": project_filter,
            "page_obj": paginate(request, rows.for_list().with_investment(year).with_behind_schedule().with_blockers()),
            "totals": totals,
            "rate": selectors._rate(totals["completed"], totals["planned"]),
            "year": year,
            "query": query.urlencode(),
        },
    )


@login_required
def project_filter_options(request, name):
    """The options of the registry's responsible-unit filter, loaded when the select is first used."""
    return filter_options(request, ProjectFilter(request.GET, queryset=Project.objects.none()), name)


def _milestones_in_order(milestones) -> list[Milestone]:
    return sorted(milestones, key=lambda m: MilestonePhase.order(m.phase))


def _chart_data(project, year: int, milestones, progress_rows) -> dict:
    """What charts.js draws: the milestone timeline and the year's monthly investment."""
    plan = next((p.amount for p in project.investment_plans.all() if p.year == year), None)
    completed = {
        row.month: row.investment
        for row in progress_rows
        if row.month.year == year and row.state in ReviewState.counted()
    }
    months = selectors.spread_months(year, plan or 0, completed)
    return {
        "milestones": {
            "phases": [m.get_phase_display() for m in milestones],
            "planned": [m.planned_date.isoformat() if m.planned_date else None for m in milestones],
            "actual": [m.actual_date.isoformat() if m.actual_date else None for m in milestones],
            "delay": [m.delay_days() for m in milestones],
            "labels": {"planned": _("Planned"), "actual": _("Actual"), "delay": _("Delay (days)")},
        },
        "investment": {
            "months": [f"{m.month:%Y-%m}" for m in months],
            "planned": [float(m.planned) for m in months],
            "completed": [float(m.completed) for m in months],
            "planned_cumulative": [float(m.planned_cumulative) for m in months],
            "completed_cumulative": [float(m.completed_cumulative) for m in months],
            "labels": {
                "planned": _("Planned"),
                "completed": _("Completed"),
                "planned_cumulative": _("Planned, cumulative"),
                "completed_cumulative": _("Completed, cumulative"),
            },
        },
    }


@login_required
def project_detail(request, pk):
    user = request.user
    year = year_param(request, periods.default_year)
    project = get_object_or_404(
        Project.objects.restrict(user)
        .for_list()
        .with_investment(year)
        .with_behind_schedule()
        .prefetch_related("investment_plans"),
        pk=pk,
    )
    milestones = _milestones_in_order(project.milestones.all())
    progress_rows = list(
        MonthlyProgress.objects.restrict(user)
        .filter(project=project)
        .with_totals()
        .select_related("author")
        .prefetch_related(Prefetch("blockers", queryset=Blocker.objects.order_by("pk")))
        .order_by("-month")
    )
    latest_counted = next((row for row in progress_rows if row.state in ReviewState.counted()), None)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "year": year,
            "townships": project.townships.all(),
            "measures": project.measures.select_related("key_task"),
            "listings": project.listings.all(),
            "funding": project.funding_sources.all(),
            "milestones": milestones,
            "progress_rows": progress_rows,
            "blockers": latest_counted.blockers.all() if latest_counted else [],
            "latest_counted": latest_counted,
            "chart_data": _chart_data(project, year, milestones, progress_rows),
            "can_change": Project.objects.restrict(user, "change").filter(pk=pk).exists(),
            "years": selectors.years(),
        },
    )


def _project_form_page(request, project=None):
    year = year_param(request, periods.default_year)
    form = ProjectForm(request.POST or None, instance=project, user=request.user, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            if project is None:
                project = services.project_create(user=request.user, **form.facts(), **form.related())
            else:
                facts = form.facts()
                project = services.project_update(user=request.user, project=project, **facts, **form.related())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
def project_create(request):
    if not request.user.is_administrator:
        raise PermissionDenied
    return _project_form_page(request)


@login_required
def project_edit(request, pk):
    project = get_object_or_404(Project.objects.restrict(request.user, "change"), pk=pk)
    return _project_form_page(request, project)


@login_required
def milestones_edit(request, pk):
    project = get_object_or_404(Project.objects.restrict(request.user, "change"), pk=pk)
    existing = {m.phase: m for m in project.milestones.all()}
    initial = [
        {
            "phase": code,
            "planned_date": existing[code].planned_date if code in existing else None,
            "actual_date": existing[code].actual_date if code in existing else None,
            "note": existing[code].note if code in existing else "",
        }
        for code in MilestonePhase.values
    ]
    formset = MilestoneFormSet(request.POST or None, initial=initial, prefix="milestones")
    if request.method == "POST" and formset.is_valid():
        for form, before in zip(formset.forms, initial, strict=True):
            data = form.cleaned_data
            if not (data.get("planned_date") or data.get("actual_date") or data["phase"] in existing):
                continue
            if all(data.get(key) == before[key] for key in ("planned_date", "actual_date", "note")):
                continue
            services.milestone_set(
                user=request.user,
                project=project,
                phase=data["phase"],
                planned_date=data.get("planned_date"),
                actual_date=data.get("actual_date"),
                note=data.get("note", ""),
            )
        messages.success(request, _("The milestones were saved."))
        return redirect(project.get_absolute_url() + "#milestones")
    return render(request, "projects/milestones_form.html", {"project": project, "formset": formset})


# Monthly progress -------------------------------------------------------------------------------------------


def _progress_form_page(request, *, project, progress=None):
    """The month's progress form, for a new month (the month due filled in, last month's progress shown beside)
    or a draft/returned one. The over-total confirmation is asked only once the figure is over the total (the
    service refuses it unconfirmed) or when the month was confirmed before. A month that has its progress
    already links to it."""
    entries = MonthlyProgress.objects.restrict(request.user).filter(project=project)
    previous = None if progress else entries.order_by("-month").first()
    initial = {"month": next_month_due(entries)}
    if previous:
        initial["physical_progress"] = previous.physical_progress
    existing = None
    blockers_initial = []
    if progress is not None:
        initial = {
            "month": progress.month,
            "investment": progress.investment,
            "physical_progress": progress.physical_progress,
            "narrative": progress.narrative,
            "confirm_over_total": bool(progress.over_total_reason),
            "over_total_reason": progress.over_total_reason,
        }
        blockers_initial = [{"category": b.category, "description": b.description} for b in progress.blockers.all()]
    form = ProgressForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        month_fixed=progress is not None,
        ask_over_total=bool(progress and progress.over_total_reason) or request.POST.get("confirm_over_total") == "on",
    )
    formset = BlockerFormSet(request.POST or None, initial=blockers_initial, prefix="blockers")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        month = data["month"]  # kept: an error on the month takes it out of cleaned_data
        common = {
            "user": request.user,
            "investment": data["investment"],
            "physical_progress": data["physical_progress"],
            "narrative": data["narrative"],
            "blockers": blockers_from(formset),
            "photos": data["photos"],
            "confirm_over_total": data["confirm_over_total"],
            "over_total_reason": data["over_total_reason"],
            "submit": "submit" in request.POST,
        }
        try:
            if progress is None:
                progress = services.progress_create(project=project, month=data["month"], **common)
            else:
                progress = services.progress_update(progress=progress, **common)
        except ValidationError as error:
            add_service_errors(form, error)
            if "over_total_reason" in form.errors:
                form.ask_over_total()
            existing = None if progress else entries.filter(month=first_of_month(month)).first()
        else:
            if common["submit"]:
                messages.success(request, _("The month's progress was submitted for review."))
            else:
                messages.success(request, _("The draft was saved."))
            return redirect(f"{project.get_absolute_url()}?year={progress.month.year}#progress")
    cumulative = project.progress.aggregate(total=Sum("investment"))["total"] or 0
    return render(
        request,
        "projects/progress_form.html",
        {
            "form": form,
            "formset": formset,
            "project": project,
            "progress": progress,
            "recorded": cumulative,
            "previous": previous,
            "existing": existing,
        },
    )


@login_required
def progress_create(request, pk):
    project = get_object_or_404(Project.objects.restrict(request.user, "change").for_list(), pk=pk)
    return _progress_form_page(request, project=project)


@login_required
def progress_edit(request, pk):
    progress = get_object_or_404(MonthlyProgress.objects.restrict(request.user, "change").for_list(), pk=pk)
    return _progress_form_page(request, project=progress.project, progress=progress)


@login_required
def progress_detail(request, pk):
    user = request.user
    progress = get_object_or_404(MonthlyProgress.objects.restrict(user).for_list().with_totals(), pk=pk)
    return render(
        request,
        "projects/progress_detail.html",
        {
            "progress": progress,
            "blockers": progress.blockers.all(),
            "photos": progress.photos.all(),
            "can_change": MonthlyProgress.objects.restrict(user, "change").filter(pk=pk).exists(),
            "can_review": awaiting_review(MonthlyProgress.objects, user).filter(pk=pk).exists(),
            "review_form": ReviewForm(),
        },
    )


@require_POST
@login_required
def progress_submit(request, pk):
    progress = get_object_or_404(MonthlyProgress.objects.restrict(request.user, "change"), pk=pk)
    services.progress_submit(user=request.user, progress=progress)
    messages.success(request, _("The month's progress was submitted for review."))
    return redirect(progress)


@require_POST
@login_required
def progress_review(request, pk):
    progress = get_object_or_404(MonthlyProgress.objects.restrict(request.user, "review"), pk=pk)
    return review_decide(
        request,
        progress,
        form_class=ReviewForm,
        accept=lambda: services.progress_accept(user=request.user, progress=progress),
        give_back=lambda reason: services.progress_return(user=request.user, progress=progress, reason=reason),
        accepted=_("The month's progress was accepted."),
        returned=_("The month's progress was returned to its author."),
    )


@login_required
def review_queue(request):
    if not (request.user.is_unit_head or request.user.is_administrator):
        raise PermissionDenied
    rows = (
        awaiting_review(MonthlyProgress.objects, request.user).for_list().with_totals().order_by("submitted_at", "pk")
    )
    return render(request, "projects/review_queue.html", {"page_obj": paginate(request, rows)})


@login_required
def photo_download(request, pk):
    photo = get_object_or_404(
        ProgressPhoto.objects.filter(progress__in=MonthlyProgress.objects.restrict(request.user)), pk=pk
    )
    return stored_file_response(photo)


# Investment summary -----------------------------------------------------------------------------------------


@login_required
def investment_summary(request):
    year = year_param(request, periods.default_year)
    projects = Project.objects.restrict(request.user)
    by_category = selectors.investment_by_category(year, projects)
    by_source = selectors.investment_by_funding_source(projects)
    monthly = selectors.monthly_investment(year, projects)
    blockers = selectors.blockers_by_category(year, projects)
    chart_data = {
        "category": {
            "labels": [row.label for row in by_category],
            "planned": [float(row.planned) for row in by_category],
            "completed": [float(row.completed) for row in by_category],
        },
        "source": [{"name": row.label, "value": float(row.amount)} for row in by_source],
        "monthly": {
            "months": [f"{m.month:%Y-%m}" for m in monthly],
            "planned_cumulative": [float(m.planned_cumulative) for m in monthly],
            "completed_cumulative": [float(m.completed_cumulative) for m in monthly],
            "completed": [float(m.completed) for m in monthly],
        },
        "labels": {
            "planned": _("Planned"),
            "completed": _("Completed"),
            "planned_cumulative": _("Planned, cumulative"),
            "completed_cumulative": _("Completed, cumulative"),
        },
    }
    return render(
        request,
        "projects/investment_summary.html",
        {
            "year": year,
            "years": selectors.years(),
            "completion": selectors.annual_completion(year, projects),
            "by_category": by_category,
            "by_source": by_source,
            "by_township": selectors.investment_by_township(year, projects),
            "blockers": blockers,
            "behind": selectors.projects_behind_schedule(projects),
            "chart_data": chart_data,
            "categories": ProblemCategory,
            "sources": FundingSourceKind,
        },
    )
