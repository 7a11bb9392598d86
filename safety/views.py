"""Pages of the safety app. Thin: read through restricted querysets and selectors, write through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock, periods
from core.uploads import stored_file_response
from core.views import add_service_errors, paginate, year_param

from . import selectors, services
from .choices import PhotoKind
from .filters import HazardFilter
from .forms import DowngradeForm, HazardForm, ReportForm, SignOffForm, StartForm, VerifyForm
from .models import Hazard, HazardPhoto
from .querysets import may_import_ledger, may_register

#: Fields the register form may be pre-filled with from the query string (e.g. a link from an inspection).
PREFILL_FIELDS = (
    "field",
    "level",
    "source",
    "location",
    "township",
    "enterprise",
    "project",
    "vehicle",
    "description",
    "found_on",
    "responsible_unit",
)
STEP_FORMS = {
    "start": StartForm,
    "report": ReportForm,
    "sign_off": SignOffForm,
    "verify": VerifyForm,
    "downgrade": DowngradeForm,
}


# The register -----------------------------------------------------------------------------------------------


@login_required
def hazard_list(request):
    hazards = Hazard.objects.restrict(request.user).for_list().with_overdue()
    hazard_filter = HazardFilter(request.GET, queryset=hazards)
    page = paginate(request, hazard_filter.qs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "safety/hazard_list.html",
        {
            "filter": hazard_filter,
            "page_obj": page,
            "query": query.urlencode(),
            "today": clock.today(),
            "can_register": may_register(request.user),
            "can_import_ledger": may_import_ledger(request.user),
        },
    )


@login_required
def hazard_create(request):
    if not may_register(request.user):
        raise PermissionDenied
    initial = {name: request.GET[name] for name in PREFILL_FIELDS if request.GET.get(name)}
    form = HazardForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            hazard = services.hazard_register(
                user=request.user, photos=form.cleaned_data["photos"], **form.hazard_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Hazard %(code)s was registered.") % {"code": hazard.code})
            return redirect(hazard)
    return render(request, "safety/hazard_form.html", {"form": form})


@login_required
def hazard_edit(request, pk):
    hazard = get_object_or_404(Hazard.objects.restrict(request.user, "change"), pk=pk)
    form = HazardForm(request.POST or None, request.FILES or None, instance=hazard)
    if request.method == "POST" and form.is_valid():
        try:
            hazard = services.hazard_update(
                user=request.user, hazard=hazard, photos=form.cleaned_data["photos"], **form.hazard_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The hazard was saved."))
            return redirect(hazard)
    return render(request, "safety/hazard_form.html", {"form": form, "hazard": hazard})


@login_required
def hazard_detail(request, pk):
    user = request.user
    hazard = get_object_or_404(
        Hazard.objects.restrict(user)
        .for_list()
        .with_overdue()
        .with_permissions(user)
        .select_related("rectification_reported_by", "signed_off_by", "closed_by"),
        pk=pk,
    )
    photos = {kind: [] for kind in PhotoKind.values}
    for photo in hazard.photos.select_related("uploaded_by"):
        photos[photo.kind].append(photo)
    step_forms = {
        step: STEP_FORMS[step](prefix=step)
        for step in ("start", "report", "sign_off", "verify")
        if getattr(hazard, f"may_{step}")
    }
    if user.is_leader and hazard.is_major and hazard.is_open:
        step_forms["downgrade"] = DowngradeForm(prefix="downgrade")
    return render(
        request,
        "safety/hazard_detail.html",
        {
            "hazard": hazard,
            "photo_groups": [(PhotoKind(kind).label, photos[kind]) for kind in PhotoKind.values],
            "transitions": hazard.transitions.select_related("by"),
            "step_forms": step_forms,
            "needs_sign_off": hazard.needs_sign_off and hazard.signed_off_at is None,
        },
    )


@require_POST
@login_required
def hazard_step(request, pk, step):
    """One step of the workflow (start, report, sign_off, verify, a leader's downgrade), taken through its
    service."""
    hazard = get_object_or_404(Hazard.objects.restrict(request.user), pk=pk)
    form = STEP_FORMS[step](request.POST, request.FILES, prefix=step)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect(hazard.get_absolute_url() + "#steps")
    data = form.cleaned_data
    user = request.user
    try:
        if step == "start":
            services.hazard_start_rectification(user=user, hazard=hazard, note=data["note"])
            message = _("Rectification has started.")
        elif step == "report":
            services.hazard_report_rectification(user=user, hazard=hazard, note=data["note"], photos=data["photos"])
            message = _("The rectification was reported; it awaits verification.")
        elif step == "sign_off":
            services.hazard_sign_off(user=user, hazard=hazard, note=data["note"])
            message = _("You signed off the rectification of this major hazard.")
        elif step == "downgrade":
            services.hazard_downgrade(user=user, hazard=hazard, reason=data["reason"])
            message = _("The hazard was downgraded to general; it still needs a leader's sign-off before closing.")
        else:
            passed = data["decision"] == "pass"
            services.hazard_verify(user=user, hazard=hazard, passed=passed, note=data["note"], photos=data["photos"])
            message = (
                _("The hazard is verified and closed.")
                if passed
                else _("Verification failed; the hazard is back in rectification.")
            )
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not take this step on this hazard."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect(hazard)


@login_required
def photo(request, pk):
    """A hazard's photo, shown to those who may see the hazard."""
    photo = get_object_or_404(HazardPhoto.objects.filter(hazard__in=Hazard.objects.restrict(request.user)), pk=pk)
    return stored_file_response(photo)


# 隐患清零 ---------------------------------------------------------------------------------------------------


@login_required
def zero_out(request):
    hazards = Hazard.objects.restrict(request.user)
    years = selectors.hazard_years(hazards)
    year = year_param(request, periods.default_year)
    summary = selectors.hazard_zero_out(year=year, hazards=hazards)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    charts = selectors.zero_out_chart_data(summary)
    return render(request, "safety/zero_out.html", {"summary": summary, "charts": charts, "years": years, "year": year})
