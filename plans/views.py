"""Pages of the plans app. Thin: read through restricted querysets, write through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import periods
from core.reviews import awaiting_review, first_of_month, next_month_due
from core.uploads import stored_file_response
from core.views import add_service_errors, filter_options, paginate, review_decide
from dashboard import summary
from dashboard.selectors import may_view_dashboard

from . import services
from .choices import MeasureStatus
from .filters import MeasureFilter
from .forms import (
    CheckpointForm,
    CommentForm,
    MeasureForm,
    NextYearPlanForm,
    PlanTextForm,
    ProblemFormSet,
    ReportForm,
    ReviewForm,
    SupervisionForm,
    problems_from,
)
from .models import Checkpoint, KeyTask, Measure, ProgressReport, ReportAttachment, WorkPlan
from .parsing import PlanParseError, parse_plan

# Plan overview ----------------------------------------------------------------------------------------------


@login_required
def plan_current(request):
    """The default year's plan (core.periods) once published, else the latest (published first)."""
    plans = WorkPlan.objects.order_by("-published", "-year")
    plan = plans.filter(year=periods.default_year(), published=True).first() or plans.first()
    if plan is None:
        return render(request, "plans/plan_empty.html")
    return redirect(plan)


@login_required
def plan_overview(request, year):
    plan = get_object_or_404(WorkPlan, year=year)
    measures = Measure.objects.for_list().with_overdue().order_by("number")
    key_tasks = (
        KeyTask.objects.filter(plan=plan).with_summary().prefetch_related(Prefetch("measures", queryset=measures))
    )
    plans = WorkPlan.objects.only("year", "title")
    return render(
        request,
        "plans/plan_overview.html",
        {
            "plan": plan,
            "key_tasks": key_tasks,
            "plans": plans,
            "may_administer": request.user.is_administrator,
            "next_year_exists": any(other.year == plan.year + 1 for other in plans),
            "may_download_summary": may_view_dashboard(request.user),
        },
    )


def _require_administrator(user) -> None:
    if not user.is_administrator:
        raise PermissionDenied


@login_required
def plan_draft_next_year(request, year):
    """An administrator drafts the next year's plan from this one, choosing the completed measures to repeat."""
    _require_administrator(request.user)
    plan = get_object_or_404(WorkPlan, year=year)
    form = NextYearPlanForm(request.POST if request.method == "POST" else None, plan=plan)  # none chosen: valid
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.plan_draft_next_year(
                user=request.user, plan=plan, include_completed=form.cleaned_data["include_completed"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The %(year)s plan was drafted: edit it, then publish it.") % {"year": draft.year}
            )
            return redirect(draft)
    carried = Measure.objects.for_list().filter(key_task__plan=plan, status__in=MeasureStatus.open())
    return render(
        request,
        "plans/plan_draft_next_year.html",
        {"plan": plan, "form": form, "carried": carried.order_by("key_task__number", "number")},
    )


@require_POST
@login_required
def plan_publish(request, year):
    _require_administrator(request.user)
    plan = get_object_or_404(WorkPlan, year=year)
    try:
        services.work_plan_publish(user=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The plan is published."))
    return redirect(plan)


@login_required
def plan_summary(request, year):
    """The year's summary as a draft .docx, for those who may view the dashboard (it counts every unit's data)."""
    if not may_view_dashboard(request.user):
        raise PermissionDenied
    plan = get_object_or_404(WorkPlan, year=year)
    content = summary.summary_docx(summary.year_summary(plan.year))
    response = HttpResponse(content, content_type=summary.DOCX_MIMETYPE)
    response["Content-Disposition"] = f'attachment; filename="{summary.summary_filename(plan.year)}"'
    return response


@login_required
def plan_import_text(request):
    """An administrator pastes or uploads a plan's text; the portal shows what it parsed, then creates it."""
    _require_administrator(request.user)
    form = PlanTextForm(request.POST or None, request.FILES or None)
    parsed = errors = None
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("file"):
            # Put the uploaded text in the text box, so that confirming sends it back without the file.
            form = PlanTextForm({**request.POST.dict(), "text": form.cleaned_data["text"]})
            form.is_valid()
        try:
            parsed = parse_plan(form.cleaned_data["text"])
        except PlanParseError as error:
            errors = error.errors
        if parsed and request.POST.get("confirm"):
            data = form.cleaned_data
            try:
                plan = services.work_plan_create_from_text(
                    user=request.user,
                    parsed=parsed,
                    year=data["year"],
                    title=data["title"] or parsed.title or _("%(year)s work plan") % {"year": data["year"]},
                    source_text=data["text"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The plan was created: %(count)s key tasks.") % {"count": len(parsed.key_tasks)}
                )
                return redirect(plan)
    return render(request, "plans/plan_import_text.html", {"form": form, "parsed": parsed, "errors": errors})


# Measures ---------------------------------------------------------------------------------------------------


@login_required
def measure_list(request):
    data = request.GET.copy()
    if "unit" not in data and request.user.is_unit_member:
        data["unit"] = str(request.user.unit_id)  # "my unit's measures" unless another unit is asked for
    measures = Measure.objects.restrict(request.user).for_list().with_overdue()
    measure_filter = MeasureFilter(data, queryset=measures)
    return render(
        request,
        "plans/measure_list.html",
        {
            "filter": measure_filter,
            "page_obj": paginate(request, measure_filter.qs, keys_first=True),
            "query": data.urlencode(),
        },
    )


@login_required
def measure_filter_options(request, name):
    """The options of the measure list's unit or key task filter, loaded when the select is first used."""
    return filter_options(request, MeasureFilter(request.GET, queryset=Measure.objects.none()), name)


@login_required
def measure_detail(request, pk):
    measures = Measure.objects.restrict(request.user).for_list().select_related("carried_from__key_task__plan")
    measure = get_object_or_404(measures.with_overdue(), pk=pk)
    user = request.user
    carried_from = measure.carried_from
    can_change = Measure.objects.restrict(user, "change").filter(pk=pk).exists()
    return render(
        request,
        "plans/measure_detail.html",
        {
            "measure": measure,
            "cooperating_units": measure.cooperating_units.all(),
            "checkpoints": measure.checkpoints.all(),
            "reports": ProgressReport.objects.restrict(user).filter(measure=measure).select_related("author"),
            "carried_report": carried_from
            and ProgressReport.objects.restrict(user).filter(measure=carried_from).order_by("-month").first(),
            "comments": measure.comments.select_related("author"),
            "can_change": can_change,
            "can_lead": user.is_leader or user.is_administrator,
            "checkpoint_form": CheckpointForm(),
            "comment_form": CommentForm(),
            "supervision_form": SupervisionForm(),
        },
    )


@login_required
def measure_edit(request, pk):
    measure = get_object_or_404(Measure.objects.restrict(request.user, "change"), pk=pk)
    form = MeasureForm(request.POST or None, instance=measure)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(user=request.user, measure=measure, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The measure was saved."))
            return redirect(measure)
    return render(request, "plans/measure_form.html", {"form": form, "measure": measure})


@require_POST
@login_required
def measure_supervision(request, pk):
    measure = get_object_or_404(Measure.objects.restrict(request.user), pk=pk)
    action = request.POST.get("action")
    if action == "end":
        services.measure_end_supervision(user=request.user, measure=measure)
        messages.success(request, _("Supervision ended."))
        return redirect(measure)
    form = SupervisionForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    try:
        if action == "note":
            services.measure_supervision_note_add(user=request.user, measure=measure, text=note)
            messages.success(request, _("The supervision note was added to."))
        else:
            services.measure_supervise(user=request.user, measure=measure, note=note)
            messages.success(request, _("The measure is now under supervision."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(measure)


@require_POST
@login_required
def measure_comment(request, pk):
    measure = get_object_or_404(Measure.objects.restrict(request.user), pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.measure_comment_add(user=request.user, measure=measure, text=form.cleaned_data["text"])
        messages.success(request, _("Your comment was added."))
    else:
        messages.error(request, _("The comment is empty."))
    return redirect(measure.get_absolute_url() + "#comments")


@require_POST
@login_required
def checkpoint_add(request, pk):
    measure = get_object_or_404(Measure.objects.restrict(request.user, "change"), pk=pk)
    form = CheckpointForm(request.POST)
    if form.is_valid():
        services.checkpoint_create(user=request.user, measure=measure, **form.cleaned_data)
        messages.success(request, _("The checkpoint was added."))
    else:
        messages.error(request, _("The checkpoint needs a title and a due date."))
    return redirect(measure.get_absolute_url() + "#checkpoints")


@require_POST
@login_required
def checkpoint_done(request, pk):
    checkpoint = get_object_or_404(
        Checkpoint.objects.filter(measure__in=Measure.objects.restrict(request.user, "change")), pk=pk
    )
    services.checkpoint_mark_done(user=request.user, checkpoint=checkpoint)
    messages.success(request, _("The checkpoint is marked done."))
    return redirect(checkpoint)


# Progress reports -------------------------------------------------------------------------------------------


def _report_form_page(request, *, measure, report=None):
    """The report form, for a new report (report=None: the month due and last month's progress filled in, last
    month's report shown beside) or a draft/returned one. A month that has a report already links to it."""
    reports = ProgressReport.objects.restrict(request.user).filter(measure=measure)
    previous = None if report else reports.order_by("-month").first()
    if report:
        initial = {"month": report.month, "progress": report.progress, "text": report.text}
    else:
        initial = {"month": next_month_due(reports), "progress": previous.progress if previous else measure.progress}
    existing = None
    problems_initial = (
        [{"category": p.category, "description": p.description} for p in report.problems.all()] if report else []
    )
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial, month_fixed=report is not None)
    formset = ProblemFormSet(request.POST or None, initial=problems_initial, prefix="problems")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        month = data["month"]  # kept: an error on the month takes it out of cleaned_data
        common = {
            "user": request.user,
            "text": data["text"],
            "progress": data["progress"],
            "problems": problems_from(formset),
            "attachments": data["attachments"],
            "submit": "submit" in request.POST,
        }
        try:
            if report is None:
                report = services.progress_report_create(measure=measure, month=data["month"], **common)
            else:
                report = services.progress_report_update(report=report, **common)
        except ValidationError as error:
            add_service_errors(form, error)
            existing = None if report else reports.filter(month=first_of_month(month)).first()
        else:
            if common["submit"]:
                messages.success(request, _("The report was submitted for review."))
            else:
                messages.success(request, _("The draft was saved."))
            return redirect(report)
    return render(
        request,
        "plans/report_form.html",
        {
            "form": form,
            "formset": formset,
            "measure": measure,
            "report": report,
            "previous": previous,
            "existing": existing,
        },
    )


@login_required
def report_create(request, pk):
    measure = get_object_or_404(Measure.objects.restrict(request.user, "change").for_list(), pk=pk)
    return _report_form_page(request, measure=measure)


@login_required
def report_edit(request, pk):
    report = get_object_or_404(ProgressReport.objects.restrict(request.user, "change").for_list(), pk=pk)
    return _report_form_page(request, measure=report.measure, report=report)


@login_required
def report_detail(request, pk):
    user = request.user
    report = get_object_or_404(ProgressReport.objects.restrict(user).for_list(), pk=pk)
    return render(
        request,
        "plans/report_detail.html",
        {
            "report": report,
            "problems": report.problems.all(),
            "attachments": report.attachments.all(),
            "can_change": ProgressReport.objects.restrict(user, "change").filter(pk=pk).exists(),
            "can_review": awaiting_review(ProgressReport.objects, user).filter(pk=pk).exists(),
            "review_form": ReviewForm(),
        },
    )


@require_POST
@login_required
def report_submit(request, pk):
    report = get_object_or_404(ProgressReport.objects.restrict(request.user, "change"), pk=pk)
    services.progress_report_submit(user=request.user, report=report)
    messages.success(request, _("The report was submitted for review."))
    return redirect(report)


@require_POST
@login_required
def report_review(request, pk):
    report = get_object_or_404(ProgressReport.objects.restrict(request.user, "review"), pk=pk)
    return review_decide(
        request,
        report,
        form_class=ReviewForm,
        accept=lambda: services.progress_report_accept(user=request.user, report=report),
        give_back=lambda reason: services.progress_report_return(user=request.user, report=report, reason=reason),
        accepted=_("The report was accepted."),
        returned=_("The report was returned to its author."),
    )


@login_required
def review_queue(request):
    if not (request.user.is_unit_head or request.user.is_administrator):
        raise PermissionDenied
    reports = awaiting_review(ProgressReport.objects, request.user).for_list().order_by("submitted_at")
    return render(request, "plans/review_queue.html", {"page_obj": paginate(request, reports)})


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(
        ReportAttachment.objects.filter(report__in=ProgressReport.objects.restrict(request.user)), pk=pk
    )
    return stored_file_response(attachment, as_attachment=True)
