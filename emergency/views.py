"""Pages of the emergency app: the duty roster (month view, one day's duties, special periods) and drills.
Thin: read through restricted querysets, write through services."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock, periods
from core.uploads import stored_file_response
from core.views import add_service_errors, paginate

from . import services
from .filters import DrillFilter
from .forms import DrillForm, DutyAssignmentForm, SpecialPeriodForm
from .models import Drill, DrillPhoto, DutyAssignment, SpecialPeriod
from .querysets import keeps_roster
from .selectors import roster_month


def month_or_404(year: int, month: int) -> datetime.date:
    """The first day of a roster month; a month a page may not show (``core.periods.month_start``) does not
    exist."""
    first = periods.month_start(year, month)
    if first is None:
        raise Http404
    return first


# Roster -----------------------------------------------------------------------------------------------------


@login_required
def roster_current(request):
    today = clock.today()
    return redirect("emergency:roster_month", today.year, today.month)


@login_required
def roster_month_view(request, year, month):
    first = month_or_404(year, month)
    days, special_periods = roster_month(request.user, year, month)
    previous, following = first - datetime.timedelta(days=1), first + datetime.timedelta(days=32)
    return render(
        request,
        "emergency/roster_month.html",
        {
            "first": first,
            "days": days,
            "periods": special_periods,
            "previous": previous if periods.within_years(previous) else None,
            "following": following if periods.within_years(following) else None,
            "can_change": keeps_roster(request.user),
        },
    )


def _parse_day(day: str) -> datetime.date:
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError as error:
        raise Http404 from error
    month_or_404(date.year, date.month)
    return date


@login_required
def roster_day(request, day):
    date = _parse_day(day)
    can_change = keeps_roster(request.user)
    form = DutyAssignmentForm(request.POST or None, initial={"date": date})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.duty_assign(
                    user=request.user,
                    date=date,
                    role=data["role"],
                    person=data["person"],
                    phone=data["phone"],
                    note=data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("%(person)s is on duty on %(date)s.") % {"person": data["person"], "date": day}
                )
                return redirect("emergency:roster_day", day)
    duties = DutyAssignment.objects.restrict(request.user).filter(date=date).for_list()
    periods = SpecialPeriod.objects.restrict(request.user).overlapping(date, date)
    return render(
        request,
        "emergency/roster_day.html",
        {"date": date, "duties": duties, "periods": periods, "form": form, "can_change": can_change},
    )


@require_POST
@login_required
def duty_delete(request, pk):
    duty = get_object_or_404(DutyAssignment.objects.restrict(request.user, "change"), pk=pk)
    services.duty_remove(user=request.user, assignment=duty)
    messages.success(request, _("The duty was removed."))
    return redirect("emergency:roster_day", duty.date.isoformat())


@login_required
def period_list(request):
    can_change = keeps_roster(request.user)
    form = SpecialPeriodForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.special_period_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The special period was added."))
                return redirect("emergency:period_list")
    periods = SpecialPeriod.objects.restrict(request.user).order_by("-start_date")
    page_obj = paginate(request, periods)
    return render(request, "emergency/period_list.html", {"page_obj": page_obj, "form": form, "can_change": can_change})


@require_POST
@login_required
def period_delete(request, pk):
    period = get_object_or_404(SpecialPeriod.objects.restrict(request.user, "change"), pk=pk)
    services.special_period_delete(user=request.user, period=period)
    messages.success(request, _("The special period was removed."))
    return redirect("emergency:period_list")


# Drills -----------------------------------------------------------------------------------------------------


@login_required
def drill_list(request):
    drill_filter = DrillFilter(request.GET, queryset=Drill.objects.restrict(request.user).for_list())
    page_obj = paginate(request, drill_filter.qs)
    return render(
        request,
        "emergency/drill_list.html",
        {"filter": drill_filter, "page_obj": page_obj, "can_change": keeps_roster(request.user)},
    )


@login_required
def drill_detail(request, pk):
    drill = get_object_or_404(Drill.objects.restrict(request.user).select_related("created_by"), pk=pk)
    return render(
        request,
        "emergency/drill_detail.html",
        {
            "drill": drill,
            "units": drill.units.all(),
            "photos": drill.photos.all(),
            "can_change": keeps_roster(request.user),
        },
    )


def _drill_form_page(request, drill=None):
    form = DrillForm(request.POST or None, request.FILES or None, instance=drill)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if drill is None:
                drill = services.drill_create(user=request.user, **data)
            else:
                drill = services.drill_update(user=request.user, drill=drill, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The drill was saved."))
            return redirect(drill)
    return render(request, "emergency/drill_form.html", {"form": form, "drill": drill})


@login_required
def drill_create(request):
    if not keeps_roster(request.user):
        raise PermissionDenied
    return _drill_form_page(request)


@login_required
def drill_edit(request, pk):
    drill = get_object_or_404(Drill.objects.restrict(request.user, "change"), pk=pk)
    return _drill_form_page(request, drill)


@login_required
def drill_photo(request, pk):
    photo = get_object_or_404(DrillPhoto.objects.filter(drill__in=Drill.objects.restrict(request.user)), pk=pk)
    return stored_file_response(photo)


@require_POST
@login_required
def drill_photo_delete(request, pk):
    photo = get_object_or_404(
        DrillPhoto.objects.filter(drill__in=Drill.objects.restrict(request.user, "change")), pk=pk
    )
    services.drill_photo_delete(user=request.user, photo=photo)
    messages.success(request, _("The photo was removed."))
    return redirect(photo.drill)
