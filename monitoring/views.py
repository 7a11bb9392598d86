"""Pages of the monitoring app. Thin: read through restricted querysets, the selectors and the figures."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from core import clock
from core.views import paginate

from . import figures, selectors
from .filters import parse_month
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
