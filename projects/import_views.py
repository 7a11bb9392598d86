"""Excel / CSV import and export of projects and of monthly progress: thin views over core.imports and
projects.resources."""

from django.utils.translation import gettext_lazy

from core import periods
from core.imports.views import ImportFlow, dated_filename, export_response, export_view, flow_views, own_unit_query
from core.views import year_param

from .filters import ProjectFilter
from .models import MonthlyProgress, Project
from .resources import ProgressResource, ProjectResource

PROJECT_IMPORT = ImportFlow(
    key="projects.project",
    title=gettext_lazy("Import projects"),
    resource_class=ProjectResource,
    upload_url="projects:project_import",
    confirm_url="projects:project_import_confirm",
    done_url="projects:project_list",
    export_url="projects:project_export",
    may_import=ProjectResource.may_import,
    template_query=own_unit_query,
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


project_import, project_import_confirm = flow_views(PROJECT_IMPORT)


@export_view
def project_export(request, *, fmt):
    """The projects the user may view, filtered like the registry; the planned investment of ``?year=``."""
    year = year_param(request, periods.default_year)
    projects = ProjectFilter(request.GET, queryset=Project.objects.restrict(request.user, "view"), year=year).qs
    return export_response(
        resource=ProjectResource(user=request.user, year=year),
        queryset=projects,
        fmt=fmt,
        filename=dated_filename(str(Project._meta.verbose_name_plural), year),
        ascii_filename=dated_filename("projects", year),
    )


progress_import, progress_import_confirm = flow_views(PROGRESS_IMPORT)


@export_view
def progress_export(request, *, fmt):
    """The monthly progress the user may view (``?project=`` one project's; ``?template=1`` the headers only)."""
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
