"""Excel / CSV import and export of projects and of monthly progress: thin views over core.imports and
projects.resources."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.imports.views import ImportFlow, dated_filename, export_format, export_response, import_confirm, import_upload

from . import selectors
from .filters import ProjectFilter
from .models import MonthlyProgress, Project
from .resources import ProgressResource, ProjectResource


def _template_query(user) -> dict:
    return {"unit": user.unit_id} if user.is_unit_member else {}


PROJECT_IMPORT = ImportFlow(
    key="projects.project",
    title=gettext_lazy("Import projects"),
    resource_class=ProjectResource,
    upload_url="projects:project_import",
    confirm_url="projects:project_import_confirm",
    done_url="projects:project_list",
    export_url="projects:project_export",
    may_import=ProjectResource.may_import,
    template_query=_template_query,
)

PROGRESS_IMPORT = ImportFlow(
    key="projects.progress",
    title=gettext_lazy("Import monthly progress"),
    resource_class=ProgressResource,
    upload_url="projects:progress_import",
    confirm_url="projects:progress_import_confirm",
    done_url="projects:project_list",
    export_url="projects:progress_export",
    may_import=ProgressResource.may_import,
    template_query=lambda user: {"template": "1"},
)


@login_required
def project_import(request):
    return import_upload(request, PROJECT_IMPORT)


@login_required
@require_POST
def project_import_confirm(request):
    return import_confirm(request, PROJECT_IMPORT)


@login_required
@require_GET
def project_export(request):
    """The projects the user may view, filtered like the registry; the planned investment of ``?year=``."""
    fmt = export_format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Unknown export format."))
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = selectors.default_year()
    projects = ProjectFilter(request.GET, queryset=Project.objects.restrict(request.user, "view")).qs
    return export_response(
        resource=ProjectResource(user=request.user, year=year),
        queryset=projects,
        fmt=fmt,
        filename=dated_filename(str(Project._meta.verbose_name_plural), year),
        ascii_filename=dated_filename("projects", year),
    )


@login_required
def progress_import(request):
    return import_upload(request, PROGRESS_IMPORT)


@login_required
@require_POST
def progress_import_confirm(request):
    return import_confirm(request, PROGRESS_IMPORT)


@login_required
@require_GET
def progress_export(request):
    """The monthly progress the user may view (``?project=`` one project's; ``?template=1`` the headers only)."""
    fmt = export_format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Unknown export format."))
    rows = MonthlyProgress.objects.restrict(request.user).order_by("project__name", "month")
    if request.GET.get("template"):
        rows = rows.none()
    elif request.GET.get("project", "").isdigit():
        rows = rows.filter(project_id=int(request.GET["project"]))
    return export_response(
        resource=ProgressResource(user=request.user),
        queryset=rows,
        fmt=fmt,
        filename=dated_filename(str(MonthlyProgress._meta.verbose_name_plural)),
        ascii_filename=dated_filename("project-progress"),
    )
