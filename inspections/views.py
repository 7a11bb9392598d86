"""Pages of the inspections app (for logged-in bureau users). Thin: restricted querysets, services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import add_service_errors, paginate

from . import services
from .filters import DrawFilter, InspectionFilter
from .forms import DrawForm, DrawToInspectionsForm, FindingForm, InspectionForm
from .models import Draw, Finding, Inspection
from .querysets import inspects
from .selectors import draw_view

# Inspections -------------------------------------------------------------------------------------------------


@login_required
def inspection_list(request):
    inspection_filter = InspectionFilter(
        request.GET, queryset=Inspection.objects.restrict(request.user).for_list(), request=request
    )
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "filter": inspection_filter,
            "page_obj": paginate(request, inspection_filter.qs.distinct()),
            "can_create": inspects(request.user),
        },
    )


@login_required
def inspection_detail(request, pk):
    inspection = get_object_or_404(
        Inspection.objects.restrict(request.user).select_related("lead_unit", "draw", "created_by"), pk=pk
    )
    can_change = Inspection.objects.restrict(request.user, "change").filter(pk=pk).exists()
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "inspectors": inspection.inspectors.select_related("unit"),
            "enterprises": inspection.enterprises.all(),
            "projects": inspection.projects.all(),
            "findings": inspection.findings.select_related("enterprise", "project", "hazard"),
            "can_change": can_change,
            "finding_form": FindingForm(inspection=inspection) if can_change else None,
        },
    )


def _inspection_form_page(request, inspection=None):
    form = InspectionForm(request.POST or None, instance=inspection, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if inspection is None:
                inspection = services.inspection_create(user=request.user, **data)
            else:
                inspection = services.inspection_update(user=request.user, inspection=inspection, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The inspection was saved."))
            return redirect(inspection)
    return render(request, "inspections/inspection_form.html", {"form": form, "inspection": inspection})


@login_required
def inspection_create(request):
    if not inspects(request.user):
        raise PermissionDenied
    return _inspection_form_page(request)


@login_required
def inspection_edit(request, pk):
    inspection = get_object_or_404(Inspection.objects.restrict(request.user, "change"), pk=pk)
    return _inspection_form_page(request, inspection)


@require_POST
@login_required
def finding_add(request, pk):
    inspection = get_object_or_404(Inspection.objects.restrict(request.user, "change"), pk=pk)
    form = FindingForm(request.POST, inspection=inspection)
    if form.is_valid():
        try:
            services.finding_add(user=request.user, inspection=inspection, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The finding was added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(inspection.get_absolute_url() + "#findings")


@require_POST
@login_required
def finding_delete(request, pk):
    finding = get_object_or_404(Finding.objects.restrict(request.user, "change"), pk=pk)
    try:
        services.finding_delete(user=request.user, finding=finding)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The finding was removed."))
    return redirect(finding.inspection.get_absolute_url() + "#findings")


@login_required
def finding_hazard(request, pk):
    """The hazard form, filled from the finding; saving registers the hazard and links the finding to it."""
    from safety.forms import HazardForm

    finding = get_object_or_404(
        Finding.objects.restrict(request.user, "change").select_related("inspection", "enterprise", "project"), pk=pk
    )
    if finding.hazard_id is not None:
        messages.info(request, _("This finding is already in the hazard register."))
        return redirect(finding.hazard)
    initial = services.finding_hazard_initial(user=request.user, finding=finding)
    form = HazardForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            hazard = services.finding_register_hazard(user=request.user, finding=finding, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The hazard was registered from the finding."))
            return redirect(hazard)
    return render(request, "inspections/finding_hazard.html", {"form": form, "finding": finding})


# Draws -------------------------------------------------------------------------------------------------------


@login_required
def draw_list(request):
    draw_filter = DrawFilter(
        request.GET, queryset=Draw.objects.restrict(request.user).select_related("lead_unit", "township", "made_by")
    )
    return render(
        request,
        "inspections/draw_list.html",
        {"filter": draw_filter, "page_obj": paginate(request, draw_filter.qs), "can_create": inspects(request.user)},
    )


@login_required
def draw_create(request):
    if not inspects(request.user):
        raise PermissionDenied
    form = DrawForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            draw = services.draw_make(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draw was made and published."))
            return redirect(draw)
    return render(request, "inspections/draw_form.html", {"form": form})


@login_required
def draw_detail(request, pk):
    draw = get_object_or_404(
        Draw.objects.restrict(request.user).select_related("lead_unit", "township", "made_by"), pk=pk
    )
    can_use = Draw.objects.restrict(request.user, "use").filter(pk=pk).exists()
    inspections = draw.inspections.order_by("pk").prefetch_related("enterprises")
    return render(
        request,
        "inspections/draw_detail.html",
        {
            **draw_view(draw),
            "inspections": inspections,
            "can_use": can_use,
            "use_form": DrawToInspectionsForm() if can_use else None,
        },
    )


@require_POST
@login_required
def draw_to_inspections(request, pk):
    draw = get_object_or_404(Draw.objects.restrict(request.user, "use"), pk=pk)
    form = DrawToInspectionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the inspection date."))
        return redirect(draw)
    try:
        created = services.draw_create_inspections(user=request.user, draw=draw, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(count)s inspections were created from the draw.") % {"count": len(created)})
    return redirect(draw)
