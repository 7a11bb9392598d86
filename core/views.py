from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import defaults
from rest_framework import exceptions

from .filters import YEARS
from .forms import OnDemandSelect


def year_param(request, default: Callable[[], int]) -> int:
    """The year that ``?year=`` asks for (``core.filters.YEARS``: 2000–2100), else ``default()`` (called only when
    needed)."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return default()
    return year if YEARS[0] <= year <= YEARS[1] else default()


class KeysFirstPaginator(Paginator):
    """Reads a page's primary keys first — in the queryset's order, from its filters' and ordering's joins only —
    then the page's rows with their other joins and annotations. Otherwise PostgreSQL joins every row the filters
    select to every related table before it sorts them for the ``LIMIT``: the measure list of a province-wide plan
    (10,000 measures) took 55 ms that way, its 25 keys take 6 ms. One query more than a plain page."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def paginate(request, queryset, *, keys_first: bool = False):
    """The page of ``queryset`` that ``?page=`` asks for, settings.PAGE_SIZE rows to a page; ``keys_first``: read
    by ``KeysFirstPaginator``, for a long list whose rows join many tables."""
    paginator = (KeysFirstPaginator if keys_first else Paginator)(queryset, settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def filter_options(request, filterset, name: str) -> HttpResponse:
    """The ``<option>``s an ``OnDemandSelect`` of ``filterset`` (bound to the request's query) loads: its empty
    choice and the rows of ``filterset.option_rows(name, queryset)``, the chosen one selected. An unknown or
    ordinary field is a 404."""
    field = filterset.form.fields.get(name)
    if field is None or not isinstance(field.widget, OnDemandSelect):
        raise Http404
    options = [("", field.empty_label)] if field.empty_label is not None else []
    options += [
        (str(field.prepare_value(row)), field.label_from_instance(row))
        for row in filterset.option_rows(name, field.queryset)
    ]
    return render(request, "includes/options.html", {"options": options, "chosen": request.GET.get(name, "")})


@login_required
def home(request):
    """Leaders land on their dashboard, staff and unit heads on their to-do (待办), administrators on the work plan."""
    if request.user.is_leader:
        return redirect("dashboard:dashboard")
    if request.user.is_unit_member:
        return redirect("todo:todo_list")
    return redirect("plans:plan_current")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to: send them to the portal's icon."""
    return redirect(static("favicon.svg"), permanent=True)


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


# Error pages (settings.CSRF_FAILURE_VIEW, handler403/404/500 in liuyang_transport/urls.py) --------------------------
# The site's are Chinese pages in its layout (templates/403.html, 404.html, 500.html, 403_csrf.html); under /api/ the
# same errors are Chinese JSON like the rest of the API, in the REST framework's words.


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _api_error(detail, status: int) -> JsonResponse:
    with translation.override("zh-hans"):
        return JsonResponse({"detail": str(detail)}, status=status)


def permission_denied(request, exception):
    if _is_api(request):
        return _api_error(exceptions.PermissionDenied.default_detail, 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return _api_error(exceptions.NotFound.default_detail, 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _api_error(exceptions.APIException.default_detail, 500)
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    """A refused CSRF token (a form kept open too long, or sent from another site); ``reason`` is for the log only."""
    if _is_api(request):
        with translation.override("zh-hans"):
            return _api_error(gettext("CSRF verification failed. Request aborted."), 403)
    return render(request, "403_csrf.html", status=403)
