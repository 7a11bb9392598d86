"""Pages of the checklists app (for logged-in bureau users). Thin: restricted querysets, selectors, services."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.uploads import stored_file_response
from core.views import add_service_errors, year_param

from . import registry, selectors, services
from .export import submission_xlsx
from .forms import CommentForm, ItemFillForm, ResolveForm
from .models import Checklist, ChecklistItem, EvidenceFile, ItemComment, Submission, plain


def _act(request, write, success: str, target):
    """Run ``write()`` (a service call) for a button; its refusal as a message, then back to ``target``."""
    try:
        write()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(target)


def _may(queryset, user, action: str, obj) -> bool:
    return queryset.restrict(user, action).filter(pk=obj.pk).exists()


@login_required
def checklist_list(request):
    user = request.user
    years = selectors.years_for(user)
    year = year_param(request, lambda: years[0] if years else clock.today().year)
    return render(
        request,
        "checklists/checklist_list.html",
        {
            "year": year,
            "years": sorted(set(years) | {year}, reverse=True),
            "checklists": selectors.checklists_for(user, year),
        },
    )


@login_required
def checklist_detail(request, pk):
    user = request.user
    checklist = get_object_or_404(Checklist.objects.restrict(user).for_list(), pk=pk)
    submission = getattr(checklist, "submission", None)
    return render(
        request,
        "checklists/checklist_detail.html",
        {
            "checklist": checklist,
            "items": selectors.items_for(user, checklist),
            "submission": submission,
            "submission_rows": selectors.submission_rows(user, submission) if submission else [],
            "can_sign": submission is None and _may(Checklist.objects, user, "sign", checklist),
        },
    )


@login_required
@require_POST
def checklist_sign(request, pk):
    checklist = get_object_or_404(Checklist.objects.restrict(request.user), pk=pk)
    return _act(
        request,
        lambda: services.checklist_sign(user=request.user, checklist=checklist),
        _("The checklist was signed; its submission is frozen."),
        checklist,
    )


@login_required
def submission_export(request, pk):
    submission = get_object_or_404(
        Submission.objects.restrict(request.user).select_related("checklist", "signed_by"), checklist_id=pk
    )
    content = submission_xlsx(submission, selectors.submission_rows(request.user, submission))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"checklist-{submission.checklist.year}-{submission.checklist_id}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _item_page(request, item, *, fill_form=None, comment_form=None):
    user = request.user
    item = selectors.items_for(user, item.checklist).get(pk=item.pk)
    signed = item.checklist.is_signed
    may_fill = not signed and _may(ChecklistItem.objects, user, "fill", item)
    may_comment = not signed and _may(ChecklistItem.objects, user, "comment", item)
    figure = registry.figure(item.figure_key) if item.is_computed else None
    return render(
        request,
        "checklists/item_detail.html",
        {
            "item": item,
            "checklist": item.checklist,
            "figure": figure,
            "computed_now": plain(services.item_value(item)) if figure and may_fill else "",
            "fill_form": fill_form or (ItemFillForm(item=item, initial=_fill_initial(item)) if may_fill else None),
            "comment_form": comment_form or (CommentForm() if may_comment else None),
            "resolve_form": ResolveForm() if may_fill else None,
            "may_fill": may_fill,
        },
        status=400 if (fill_form or comment_form) else 200,
    )


def _fill_initial(item) -> dict:
    return {"value": item.value, "self_score": item.self_score, "explanation": item.explanation}


@login_required
def item_detail(request, pk):
    item = get_object_or_404(ChecklistItem.objects.restrict(request.user).select_related("checklist"), pk=pk)
    return _item_page(request, item)


@login_required
@require_POST
def item_fill(request, pk):
    item = get_object_or_404(ChecklistItem.objects.restrict(request.user).select_related("checklist"), pk=pk)
    form = ItemFillForm(request.POST, request.FILES, item=item)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.item_fill(
                user=request.user,
                item=item,
                value=data["value"],
                self_score=data["self_score"],
                explanation=data["explanation"],
                evidence=data["evidence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The item was saved."))
            return redirect(item)
    return _item_page(request, item, fill_form=form)


@login_required
@require_POST
def comment_add(request, pk):
    item = get_object_or_404(ChecklistItem.objects.restrict(request.user).select_related("checklist"), pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(user=request.user, item=item, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The comment was sent to the lead unit."))
            return redirect(item)
    return _item_page(request, item, comment_form=form)


@login_required
@require_POST
def comment_resolve(request, pk):
    comment = get_object_or_404(ItemComment.objects.restrict(request.user).select_related("item__checklist"), pk=pk)
    form = ResolveForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    if request.POST.get("decision") == "adopt":
        write = partial(services.comment_adopt, user=request.user, comment=comment, note=reason)
    else:
        write = partial(services.comment_answer, user=request.user, comment=comment, reason=reason)
    return _act(request, write, _("The comment was answered."), comment.item)


@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(
        EvidenceFile.objects.filter(item__in=ChecklistItem.objects.restrict(request.user)), pk=pk
    )
    return stored_file_response(evidence, as_attachment=True)


@login_required
@require_POST
def evidence_remove(request, pk):
    evidence = get_object_or_404(
        EvidenceFile.objects.filter(item__in=ChecklistItem.objects.restrict(request.user)).select_related(
            "item__checklist"
        ),
        pk=pk,
    )
    return _act(
        request,
        lambda: services.evidence_remove(user=request.user, evidence=evidence),
        _("The file was removed."),
        evidence.item,
    )
