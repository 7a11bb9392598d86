"""The leadership dashboard and the weekly briefing's downloads. Thin: the figures come from
``dashboard.selectors``, the files from ``dashboard.briefing``."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from core import clock, periods
from core.views import year_param

from . import briefing, cache, selectors


def _require_reader(user) -> None:
    if not selectors.may_view_dashboard(user):
        raise PermissionDenied


@login_required
def dashboard(request):
    """The figures are rendered once and the HTML kept in the cache (``dashboard.cache``: until the next audited
    write, a new day or ``DASHBOARD_CACHE_SECONDS``); the page around it is the user's."""
    _require_reader(request.user)
    year = year_param(request, periods.default_year)
    body, from_cache = cache.figures_html(year, clock.today(), translation.get_language())
    return render(
        request,
        "dashboard/dashboard.html",
        {"body": mark_safe(body), "year": year, "from_cache": from_cache, "wall": request.GET.get("wall") == "1"},
    )


@login_required
def dashboard_rows(request, section: str):
    """The next page of a long list of the dashboard (key tasks, units) from ``?offset=``, loaded by htmx in place
    of its "show more" button: rows counted with the page's figures (the same cache generation)."""
    _require_reader(request.user)
    year = year_param(request, periods.default_year)
    try:
        offset = max(int(request.GET.get("offset", "0")), 0)
    except ValueError:
        offset = 0
    return HttpResponse(cache.rows_html(section, year, clock.today(), translation.get_language(), offset))


def _week_start(request) -> datetime.date:
    """The Monday of the week that ``?week=`` (any day, year first, in ``core.filters.YEARS``) falls in; by
    default the default year's (``core.periods``)."""
    day = periods.parse_day(request.GET.get("week", ""))
    if day is None or not periods.within_years(day):
        return periods.default_week_start()
    return day - datetime.timedelta(days=day.weekday())


@login_required
def briefing_download(request, file_format: str):
    """The week's briefing as .xlsx or .pdf. Without a Chinese font, the PDF is refused with a message on the
    dashboard (the .xlsx still works)."""
    _require_reader(request.user)
    if file_format not in ("xlsx", "pdf"):
        raise Http404
    week_start = _week_start(request)
    data = briefing.week_briefing(week_start)
    try:
        content = briefing.briefing_xlsx(data) if file_format == "xlsx" else briefing.briefing_pdf(data)
    except briefing.BriefingFontMissing as error:
        messages.error(request, str(error))
        return redirect(reverse("dashboard:dashboard"))
    mimetype = briefing.XLSX_MIMETYPE if file_format == "xlsx" else briefing.PDF_MIMETYPE
    response = HttpResponse(content, content_type=mimetype)
    response["Content-Disposition"] = f'attachment; filename="{briefing.briefing_filename(week_start, file_format)}"'
    return response
