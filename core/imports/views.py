"""The import and export pages, generic: an app describes its import with an ``ImportFlow`` and its views call
``import_upload``, ``import_confirm`` and ``export_response``.

``flow_views(flow)`` builds an app's upload and confirm views and ``export_view`` wraps its export views.

The flow: GET the upload page → POST a file → checks → dry run (rolled back) → preview listing every row and
its problems; the file stays on the server (MEDIA_ROOT/imports/, random name, known only to the user's session)
→ POST confirm → the real import, all rows or none → message with the counts and redirect. A file with
problems offers no confirmation, and the confirm view refuses it.

A file with more rows than ``settings.IMPORT_BACKGROUND_ROWS`` (counted cheaply, before its cells are parsed)
goes to a background job instead (``core.imports.jobs``): the upload leads to the job's page, where a progress
bar (htmx, polled every second) is followed by the preview and its confirm button, then by the progress and the
result of the import.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock

from . import checked as kept
from .columns import save_mapping, saved_mapping
from .files import CSV, XLSX, delete_import_file, estimate_rows, load_import_file, store_import_file
from .forms import ColumnMappingForm, ImportUploadForm
from .jobs import import_job_confirm, import_job_start, job_progress, runs_in_background
from .runner import ImportOutcome, inspect_columns, run_import
from .workbook import export_workbook

EXPORT_FORMATS = (XLSX, CSV)
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
SESSION_KEY = "imports"
_FLOWS: dict = {}  # every ImportFlow by key, for the job pages


def _anyone(user) -> bool:
    return True


@dataclass(frozen=True)
class ImportFlow:
    """What one app's import needs: its resource, who may import, and where its pages are (URL names)."""

    key: str  # names the user's pending file in the session, e.g. "plans.measure"
    title: str  # page title, e.g. gettext_lazy("Import measures")
    resource_class: type
    upload_url: str
    confirm_url: str
    done_url: str  # where a successful import leads
    export_url: str = ""  # the export whose file is the import's template
    may_import: Callable = _anyone
    template_query: Callable = field(default=lambda user: {})  # export filters for the template download

    def __post_init__(self):
        _FLOWS[self.key] = self

    def resource(self, user):
        return self.resource_class(user=user)


def own_unit_query(user) -> dict:
    """A ``template_query``: the template holds a unit member's own unit's rows (``?unit=``), everything for
    administrators, to edit and import back."""
    return {"unit": user.unit_id} if user.is_unit_member else {}


def flow_for(key: str) -> ImportFlow | None:
    """The flow named ``key`` (its module is imported with the URLs)."""
    return _FLOWS.get(key)


# Import pages ----------------------------------------------------------------------------------------------


def flow_views(flow: ImportFlow) -> tuple[Callable, Callable]:
    """The upload view (GET and POST) and the confirm view (POST only) of ``flow``, both for signed-in users;
    an app's ``urls.py`` routes them to ``flow.upload_url`` and ``flow.confirm_url``."""

    @login_required
    def upload_view(request):
        return import_upload(request, flow)

    @login_required
    @require_POST
    def confirm_view(request):
        return import_confirm(request, flow)

    return upload_view, confirm_view


def import_upload(request, flow: ImportFlow):
    """GET: the upload page. POST: check the file, keep it, dry-run it and show the preview."""
    _require_import(request, flow)
    if request.method == "POST" and "mapping_token" in request.POST:
        return _apply_mapping(request, flow)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            return _preview(request, flow, form)
    else:
        form = ImportUploadForm()
    return render(request, "imports/upload.html", _upload_context(request, flow, form))


def import_confirm(request, flow: ImportFlow):
    """POST: import the file the user previewed, for real, all rows or none."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _require_import(request, flow)
    pending = _pending(request, flow)
    if not pending or not secrets.compare_digest(str(pending.get("token", "")), request.POST.get("token", "")):
        messages.error(request, _("There is no checked file waiting to be imported; upload it again."))
        return redirect(flow.upload_url)
    _forget(request, flow)
    if not pending.get("ok"):
        _delete_stored(pending.get("file"))
        messages.error(request, _("The file has problems, so nothing was imported; correct it and upload it again."))
        return redirect(flow.upload_url)
    data = load_import_file(pending.get("file", ""))
    if data is None:
        messages.error(request, _("The uploaded file has expired; upload it again."))
        return redirect(flow.upload_url)
    try:
        outcome = run_import(
            resource=flow.resource(request.user),
            data=data,
            fmt=pending["format"],
            user=request.user,
            dry_run=False,
            name=pending.get("name", ""),
            saved_mapping=saved_mapping(flow.key, request.user),
            mapping=pending.get("mapping"),
            checked=kept.fetch(pending["file"]),
        )
    finally:
        _delete_stored(pending["file"])
    if outcome.ok:
        messages.success(request, import_summary(outcome))
        return redirect(flow.done_url)
    messages.error(request, _("Nothing was imported: the file has problems (listed below)."))
    return render(request, "imports/preview.html", _preview_context(request, flow, outcome, pending, can_confirm=False))


def import_summary(outcome: ImportOutcome) -> str:
    return _("Import finished: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.") % {
        "new": outcome.new,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
    }


def _preview(request, flow: ImportFlow, form: ImportUploadForm):
    _discard_pending(request, flow)
    pending = {"name": form.cleaned_data["file"].name, "format": form.file_format}
    return _check(request, flow, form.file_data, pending)


def _check(request, flow: ImportFlow, data: bytes, pending: dict):
    """The columns first (the mapping step if some are not recognised), then the dry run and its preview — or,
    for a large file, a background job that does it."""
    user, fmt, name = request.user, pending["format"], pending["name"]
    saved = saved_mapping(flow.key, user)
    mapping = pending.get("mapping")
    columns = inspect_columns(
        resource=flow.resource(user), data=data, fmt=fmt, name=name, saved_mapping=saved, mapping=mapping
    )
    if columns.needs_mapping:
        return _mapping_step(request, flow, data, pending, columns)
    rows = estimate_rows(data, fmt)
    if not columns.file_issues and runs_in_background(rows):
        delete_import_file(pending.get("file"))
        job = import_job_start(
            user=user, flow=flow, data=data, fmt=fmt, name=name, estimated_rows=rows, mapping=mapping or {}
        )
        return redirect(job)
    outcome = columns
    if not columns.file_issues:
        outcome = run_import(
            resource=flow.resource(user),
            data=data,
            fmt=fmt,
            user=user,
            dry_run=True,
            name=name,
            saved_mapping=saved,
            mapping=mapping,
            keep_check=True,
        )
    pending["ok"] = outcome.ok
    if outcome.ok:
        pending["file"] = pending.get("file") or store_import_file(data, fmt)
        if outcome.checked:
            kept.store(pending["file"], outcome.checked)  # the confirmation writes it without checking again
        pending["token"] = secrets.token_urlsafe(16)
        _remember(request, flow, pending)
    else:
        _delete_stored(pending.pop("file", None))
    return render(request, "imports/preview.html", _preview_context(request, flow, outcome, pending, outcome.ok))


def _mapping_step(request, flow: ImportFlow, data: bytes, pending: dict, outcome: ImportOutcome):
    """Keep the file and ask which field each unrecognised column goes to (``_apply_mapping`` takes the answer)."""
    resource = flow.resource(request.user)
    taken = {column.field for column in outcome.columns if column.field}
    pending.update(
        file=pending.get("file") or store_import_file(data, pending["format"]),
        token=secrets.token_urlsafe(16),
        ok=False,
        step="mapping",
        header=outcome.header,
        recognised=[
            (column.label, resource.fields[column.field].column_name) for column in outcome.columns if column.field
        ],
        columns=[
            {
                "name": f"column_{column.position}",
                "key": column.key,
                "label": column.label,
                "sample": outcome.sample.get(column.position, []),
            }
            for column in outcome.columns
            if column.how == "unknown"
        ],
        choices=[
            (column["name"], column["header"])
            for column in resource.import_columns()
            if column["name"] in resource.importable_columns() and column["name"] not in taken
        ],
    )
    _remember(request, flow, pending)
    form = ColumnMappingForm(columns=pending["columns"], choices=pending["choices"])
    return _render_mapping(request, flow, pending, form)


def _render_mapping(request, flow: ImportFlow, pending: dict, form):
    context = {
        "flow": flow,
        "form": form,
        "file_name": pending.get("name", ""),
        "token": pending["token"],
        "header": pending["header"],
        "recognised": pending["recognised"],
    }
    return render(request, "imports/mapping.html", context)


def _apply_mapping(request, flow: ImportFlow):
    """POST of the mapping step: keep the answers for the unit's next import, then check the file with them."""
    pending = _pending(request, flow)
    token = request.POST.get("mapping_token", "")
    if not pending or pending.get("step") != "mapping" or not secrets.compare_digest(str(pending.get("token")), token):
        messages.error(request, _("There is no checked file waiting to be imported; upload it again."))
        return redirect(flow.upload_url)
    data = load_import_file(pending.get("file", ""))
    if data is None:
        _forget(request, flow)
        messages.error(request, _("The uploaded file has expired; upload it again."))
        return redirect(flow.upload_url)
    form = ColumnMappingForm(request.POST, columns=pending["columns"], choices=pending["choices"])
    if not form.is_valid():
        return _render_mapping(request, flow, pending, form)
    chosen = form.chosen()
    save_mapping(flow.key, request.user, chosen)
    _forget(request, flow)
    checked = {key: pending[key] for key in ("name", "format", "file")}
    checked["mapping"] = {**(pending.get("mapping") or {}), **chosen}
    return _check(request, flow, data, checked)


def _require_import(request, flow: ImportFlow) -> None:
    if not (request.user.is_authenticated and request.user.is_active and flow.may_import(request.user)):
        raise PermissionDenied


def _upload_context(request, flow: ImportFlow, form) -> dict:
    resource = flow.resource(request.user)
    template_url = ""
    if flow.export_url:
        query = {**flow.template_query(request.user), "format": XLSX}
        template_url = reverse(flow.export_url) + "?" + urlencode(query)
    return {
        "flow": flow,
        "form": form,
        "columns": resource.import_columns(),
        "template_url": template_url,
        "max_size": filesizeformat(settings.IMPORT_MAX_BYTES),
    }


def _preview_context(request, flow: ImportFlow, outcome: ImportOutcome, pending: dict, can_confirm: bool) -> dict:
    return {
        "flow": flow,
        "outcome": outcome,
        "file_name": pending.get("name", ""),
        "token": pending.get("token", ""),
        "can_confirm": can_confirm,
    }


# Background jobs ---------------------------------------------------------------------------------------------


def import_job(request, pk: int):
    """A job's page: progress while it runs (the part in ``#import-job`` is polled with htmx), then the preview
    with its confirm button, or the import's result. Someone else's job is a 404 (administrators see all)."""
    from core.models import ImportJob

    job = get_object_or_404(ImportJob.objects.restrict(request.user, "view").select_related("user"), pk=pk)
    flow = flow_for(job.flow_key)
    done, total = job_progress(job)
    context = {
        "job": job,
        "flow": flow,
        "title": flow.title if flow else _("Import"),
        "done": done,
        "total": total,
        "percent": min(100, round(100 * done / total)) if total else 0,
        "issues": [{"row": row, "column": column, "message": message} for row, column, message in job.issues],
        "more_issues": max(job.issue_count - len(job.issues), 0),
        "can_confirm": job.ok and job.phase == "preview" and job.user_id == request.user.pk and bool(job.stored_file),
    }
    template = "imports/_job.html" if request.headers.get("HX-Request") else "imports/job.html"
    return render(request, template, context)


def import_job_confirm_view(request, pk: int):
    """POST: queue the real import of a checked job (its owner, once)."""
    from core.models import ImportJob

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = get_object_or_404(ImportJob.objects.restrict(request.user, "change"), pk=pk)
    flow = flow_for(job.flow_key)
    if flow is None or not (request.user.is_active and flow.may_import(request.user)):
        raise PermissionDenied
    if not import_job_confirm(user=request.user, job=job):
        messages.error(request, _("This file cannot be imported (any more); upload it again."))
    return redirect(job)


# The pending file in the session ---------------------------------------------------------------------------


def _pending(request, flow: ImportFlow) -> dict | None:
    return request.session.get(SESSION_KEY, {}).get(flow.key)


def _remember(request, flow: ImportFlow, pending: dict) -> None:
    slots = request.session.get(SESSION_KEY, {})
    slots[flow.key] = pending
    request.session[SESSION_KEY] = slots


def _forget(request, flow: ImportFlow) -> None:
    slots = request.session.get(SESSION_KEY, {})
    if slots.pop(flow.key, None) is not None:
        request.session[SESSION_KEY] = slots


def _discard_pending(request, flow: ImportFlow) -> None:
    """A new upload replaces the previous one: its file goes."""
    pending = _pending(request, flow)
    if pending:
        _delete_stored(pending.get("file"))
        _forget(request, flow)


def _delete_stored(stored_file: str | None) -> None:
    """A stored import file and the check kept for it."""
    delete_import_file(stored_file)
    kept.discard(stored_file)


# Export ------------------------------------------------------------------------------------------------------


def export_view(view: Callable) -> Callable:
    """Decorates an export view ``view(request, *args, fmt, **kwargs)``: signed-in users, GET only, and ``fmt``
    read from ``?format=`` (an unknown format is a 400 before ``view`` runs)."""

    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        fmt = export_format(request)
        if fmt is None:
            return HttpResponseBadRequest(_("Unknown export format."))
        return view(request, *args, fmt=fmt, **kwargs)

    return wrapper


def export_format(request) -> str | None:
    """The export format asked for by ``?format=`` (xlsx by default), or None if it is not one we write."""
    fmt = request.GET.get("format", XLSX).lower()
    return fmt if fmt in EXPORT_FORMATS else None


def export_response(*, resource, queryset, fmt: str, filename: str, ascii_filename: str = "export") -> HttpResponse:
    """A download of ``queryset`` exported by ``resource`` as xlsx or csv (UTF-8 with BOM, which Excel opens
    correctly). ``filename`` is without extension; text cells are neutralised by the resource."""
    dataset = resource.export(queryset=queryset, force_native_type=fmt == XLSX)
    dataset.title = filename
    if fmt == XLSX:
        content = export_workbook(resource, dataset)
    else:
        content = dataset.export("csv").encode("utf-8-sig")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = attachment_disposition(f"{filename}.{fmt}", f"{ascii_filename}.{fmt}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment_disposition(filename: str, ascii_filename: str) -> str:
    """Content-Disposition for a download with a non-ASCII name (RFC 6266 / RFC 5987 ``filename*``), with an
    ASCII fallback for old clients."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in ascii_filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def dated_filename(stem: str, year: int | None = None) -> str:
    """``<stem>_<year>``, or ``<stem>_<today as YYYYMMDD>`` when the export is not about one year."""
    suffix = str(year) if year else clock.today().strftime("%Y%m%d")
    return f"{stem}_{suffix}"
