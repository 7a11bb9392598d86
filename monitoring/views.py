"""Pages of the monitoring app. Thin: read through restricted querysets, the selectors and the figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core import clock
from core.views import paginate

from . import figures, selectors, services
from .filters import parse_month
from .forms import NoticeReplyForm
from .models import SupervisionNotice
from .querysets import may_import, may_view


def _require_view(user) -> None:
    if not may_view(user):
        raise PermissionDenied


@login_required
def ranking(request):
    """The month's figures and the best and worst enterprises and drivers (红榜 / 黑榜)."""
    _require_view(request.user)
    month = parse_month(request.GET.get("month")) or figures.previous_month(clock.today())
    user = request.user
    enterprises = figures.by(user=user, month=month, dimension="enterprise")
    drivers = figures.by(user=user, month=month, dimension="driver")
    vehicles = figures.by(user=user, month=month, dimension="vehicle")
    return render(
        request,
        "monitoring/ranking.html",
        {
            "month": month,
            "previous": figures.previous_month(month),
            "next": figures.next_month(month),
            "total": figures.total(user=user, month=month),
            "types": figures.by_type(user=user, month=month),
            "enterprises": figures.ranking(enterprises),
            "drivers": figures.ranking(drivers),
            "vehicles": figures.ranking(vehicles).worst,
            "can_import": may_import(user),
        },
    )


@login_required
def alarm_list(request):
    """The alarms a figure counts: filtered by month, enterprise, vehicle, driver, type and handling."""
    _require_view(request.user)
    alarms = selectors.alarm_list(user=request.user, params=request.GET)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/alarm_list.html",
        {
            "alarms": alarms,
            "form": alarms.form,
            "page_obj": paginate(request, alarms.queryset),
            "query": query.urlencode(),
            "can_import": may_import(request.user),
        },
    )


@login_required
def notice_list(request):
    """The supervision notices (督办) of the enterprises the user may see, the latest month first (``?awaiting=1``:
    those awaiting the enterprise's reply)."""
    _require_view(request.user)
    notices = SupervisionNotice.objects.restrict(request.user).for_list()
    if request.GET.get("awaiting") == "1":
        notices = notices.awaiting_reply()
    return render(request, "monitoring/notice_list.html", {"page_obj": paginate(request, notices)})


@login_required
def notice_detail(request, pk):
    """A supervision notice, and the form that records the enterprise's reply (for those who may)."""
    _require_view(request.user)
    notice = get_object_or_404(SupervisionNotice.objects.restrict(request.user).select_related("enterprise"), pk=pk)
    may_reply = SupervisionNotice.objects.restrict(request.user, "change").filter(pk=notice.pk).exists()
    form = None
    if may_reply:
        initial = {"reply": notice.reply, "replied_on": notice.replied_on or clock.today()}
        form = NoticeReplyForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.notice_reply_record(user=request.user, notice=notice, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The reply was recorded."))
                return redirect(notice)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "monitoring/notice_detail.html", {"notice": notice, "form": form})


@login_required
def education(request):
    """The drivers above the threshold for the threshold's number of consecutive months, to be educated."""
    _require_view(request.user)
    month = parse_month(request.GET.get("month")) or figures.previous_month(clock.today())
    listed = selectors.education_list(user=request.user, month=month)
    return render(
        request,
        "monitoring/education.html",
        {
            "month": month,
            "previous": figures.previous_month(month),
            "next": figures.next_month(month),
            "listed": listed,
        },
    )
