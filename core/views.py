from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def year_param(request, default: Callable[[], int]) -> int:
    """The year that ``?year=`` asks for (2000–2100), else ``default()`` (called only when needed)."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return default()
    return year if 2000 <= year <= 2100 else default()


def paginate(request, queryset):
    """The page of ``queryset`` that ``?page=`` asks for, settings.PAGE_SIZE rows to a page."""
    return Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def home(request):
    """Leaders land on their dashboard, everybody else on the work plan."""
    if request.user.is_leader:
        return redirect("dashboard:dashboard")
    return redirect("plans:plan_current")


def healthz(request):
    """For the container's health check: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def review_decide(
    request, entry, *, form_class: type, accept: Callable, give_back: Callable, accepted: str, returned: str
) -> HttpResponse:
    """The POST of a review form (``core.forms.ReviewForm``) on ``entry``: ``accept()`` or ``give_back(reason)``
    (the app's services), the outcome as a message (``accepted`` / ``returned`` on success), then back to
    ``?next=`` when it is on this site, else to ``entry``."""
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(entry)
    try:
        if form.cleaned_data["decision"] == "accept":
            accept()
            messages.success(request, accepted)
        else:
            give_back(form.cleaned_data["reason"])
            messages.success(request, returned)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(entry)
