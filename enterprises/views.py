"""Pages of the enterprises app. Thin: read through restricted querysets, write through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import add_service_errors, paginate

from . import services
from .filters import EnterpriseFilter, VehicleFilter
from .forms import EnterpriseForm, ListingForm, VehicleForm
from .models import Enterprise, Vehicle


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Enterprises ------------------------------------------------------------------------------------------------


@login_required
def enterprise_list(request):
    enterprises = Enterprise.objects.restrict(request.user).for_list()
    enterprise_filter = EnterpriseFilter(request.GET, queryset=enterprises)
    return render(
        request,
        "enterprises/enterprise_list.html",
        {
            "filter": enterprise_filter,
            "page_obj": paginate(request, enterprise_filter.qs),
            "query": _query_without_page(request),
            "may_create": services.may_create_enterprise(request.user),
        },
    )


@login_required
def enterprise_detail(request, pk):
    user = request.user
    enterprise = get_object_or_404(
        Enterprise.objects.restrict(user).select_related("township", "supervising_unit"), pk=pk
    )
    can_change = Enterprise.objects.restrict(user, "change").filter(pk=pk).exists()
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "vehicles": Vehicle.objects.restrict(user).filter(enterprise=enterprise),
            "can_change": can_change,
            "listing_form": ListingForm() if can_change else None,
        },
    )


@login_required
def enterprise_create(request):
    if not services.may_create_enterprise(request.user):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The enterprise was registered."))
            return redirect(enterprise)
    return render(request, "enterprises/enterprise_form.html", {"form": form})


@login_required
def enterprise_edit(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, "change"), pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(user=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The enterprise was saved."))
            return redirect(enterprise)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise})


@require_POST
@login_required
def enterprise_listing(request, pk):
    """Put the enterprise on the red/black list (action=set) or take it off (action=clear)."""
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, "change"), pk=pk)
    if request.POST.get("action") == "clear":
        services.enterprise_list_clear(user=request.user, enterprise=enterprise)
        messages.success(request, _("The enterprise was taken off the list."))
        return redirect(enterprise)
    form = ListingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.enterprise_list_set(
                user=request.user,
                enterprise=enterprise,
                status=data["status"],
                reason=data["reason"],
                start=data["start"],
                end=data["end"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The listing was saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(enterprise)


# Vehicles ---------------------------------------------------------------------------------------------------


@login_required
def vehicle_list(request):
    vehicles = Vehicle.objects.restrict(request.user).for_list()
    vehicle_filter = VehicleFilter(request.GET, queryset=vehicles)
    return render(
        request,
        "enterprises/vehicle_list.html",
        {
            "filter": vehicle_filter,
            "page_obj": paginate(request, vehicle_filter.qs),
            "query": _query_without_page(request),
            "may_create": services.may_create_enterprise(request.user),
        },
    )


@login_required
def vehicle_detail(request, pk):
    user = request.user
    vehicle = get_object_or_404(Vehicle.objects.restrict(user).select_related("enterprise"), pk=pk)
    can_change = Vehicle.objects.restrict(user, "change").filter(pk=pk).exists()
    return render(request, "enterprises/vehicle_detail.html", {"vehicle": vehicle, "can_change": can_change})


@login_required
def vehicle_create(request):
    if not services.may_create_enterprise(request.user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("enterprise", "").isdigit():
        initial["enterprise"] = request.GET["enterprise"]
    form = VehicleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprise = data.pop("enterprise")
        try:
            vehicle = services.vehicle_create(user=request.user, enterprise=enterprise, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The vehicle was registered."))
            return redirect(vehicle)
    return render(request, "enterprises/vehicle_form.html", {"form": form})


@login_required
def vehicle_edit(request, pk):
    vehicle = get_object_or_404(Vehicle.objects.restrict(request.user, "change").select_related("enterprise"), pk=pk)
    form = VehicleForm(request.POST or None, instance=vehicle, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.vehicle_update(user=request.user, vehicle=vehicle, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The vehicle was saved."))
            return redirect(vehicle)
    return render(request, "enterprises/vehicle_form.html", {"form": form, "vehicle": vehicle})
