"""API v1 views: thin. Each resource's list and detail read the app's own querysets — for a token, everything of
its scope; for a logged-in user, what ``restrict(user)`` lets them see on the pages — and writes call the apps'
services as the acting user (see ``api.permissions``). Errors: 400 (bad parameter or input, a step the object's
state does not allow), 401 (no or bad credentials), 403 (outside the token's scope, or a write the user may not
make), 404 (no such object, or one the caller may not see), 429 (rate limit)."""

import datetime
import inspect

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from checklists.models import Submission
from core import clock, periods
from core.filters import YEARS
from emergency.models import DutyAssignment
from enterprises.filters import EnterpriseFilter, VehicleFilter
from enterprises.models import Enterprise, Vehicle
from inspections.choices import InspectionKind
from inspections.filters import DrawFilter, InspectionFilter
from inspections.models import Draw, Inspection
from monitoring import figures as monitoring_figures
from monitoring.filters import parse_month
from monitoring.models import DailyRollup, Driver
from organisation.models import Unit, User
from plans import services as plans_services
from plans.filters import MeasureFilter
from plans.models import Checkpoint, KeyTask, Measure, ProgressReport, WorkPlan
from projects import selectors as project_selectors
from projects.filters import ProjectFilter
from projects.models import InvestmentPlan, Milestone, MonthlyProgress, Project
from safety import services as safety_services
from safety.filters import HazardFilter
from safety.models import Hazard, HazardTransition
from safety.selectors import hazard_zero_out

from . import serializers as s
from .authentication import ApiTokenAuthentication
from .conditional import conditional
from .filters import UpdatedRangeFilter, parse_moment
from .models import Deletion
from .pagination import KeysetPagination, keyset_chunks
from .permissions import ApiAccess, token_of
from .renderers import NdjsonRenderer, OrjsonRenderer, ndjson_lines
from .resources import MIRRORED, RESOURCES
from .throttling import ApiThrottle

# Documentation of the answers every endpoint may give ----------------------------------------------------------

ERRORS = {
    401: OpenApiResponse(description='No credentials, or a bad, expired or revoked token. {"detail": "…"}'),
    403: OpenApiResponse(description='Outside the token\'s scope, or not allowed. {"detail": "…"}'),
    429: OpenApiResponse(description="Rate limit reached; retry after the Retry-After header's seconds."),
}
NOT_MODIFIED = {304: OpenApiResponse(description="Not modified: the If-None-Match ETag still matches; no body.")}
BAD_REQUEST = {400: OpenApiResponse(description='A parameter is malformed: {"<parameter>": ["…"]}.')}
NOT_FOUND = {404: OpenApiResponse(description="No such object, or one the caller may not see.")}
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="An ETag from an earlier response: 304 without a body if it still matches.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 304],
    required=True,
    description="A hash of the body: send it back in If-None-Match.",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before the next request.",
)
WWW_AUTHENTICATE = OpenApiParameter(
    "WWW-Authenticate",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[401],
    required=True,
    description='How to authenticate: Bearer realm="api".',
)
#: The headers of the errors every operation may answer, and those of a GET's conditional answers besides
ERROR_HEADERS = [RETRY_AFTER, WWW_AUTHENTICATE]
CONDITIONAL = [IF_NONE_MATCH, ETAG, *ERROR_HEADERS]


def _year(request, default: int) -> int:
    value = request.query_params.get("year")
    if value is None:
        return default
    try:
        year = int(value)
    except ValueError:
        year = 0
    if not YEARS[0] <= year <= YEARS[1]:
        raise exceptions.ValidationError(
            {"year": [_("Give a year from %(first)s to %(last)s.") % {"first": YEARS[0], "last": YEARS[1]}]}
        )
    return year


YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="The year (2000–2100).")

#: Rows an export reads and sends at a time (one query, and one for each prefetched relation)
EXPORT_CHUNK = 500


def call_service(function, **kwargs):
    """Call an app's service; its refusals become API errors (PermissionDenied is 403 already)."""
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        raise exceptions.ValidationError(detail) from None


def attach_people(rows: list, fields: tuple[str, ...]) -> list:
    """Load the users that ``fields`` of ``rows`` refer to in one small query (id and name only) and put them in
    place. Joining the user table once per field makes the page's query costly to plan; this keeps it simple."""
    if not fields or not rows:
        return rows
    ids = {getattr(row, f"{field}_id") for row in rows for field in fields} - {None}
    users = {user.pk: user for user in User.objects.filter(pk__in=ids).only("id", "username", "full_name").order_by()}
    for row in rows:
        for field in fields:
            pk = getattr(row, f"{field}_id")
            if pk is not None:
                setattr(row, field, users[pk])
    return rows


# Base classes ---------------------------------------------------------------------------------------------------


class ApiView:
    """Shared by every API view: authentication, access, throttling, rendering, Chinese labels and ETags."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [ApiAccess]
    throttle_classes = [ApiThrottle]
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]
    resource: str | None = None

    def dispatch(self, request, *args, **kwargs):
        with translation.override("zh-hans"):  # choice labels and messages in Chinese, whatever the caller asks
            return super().dispatch(request, *args, **kwargs)

    def handle_exception(self, exc):
        if isinstance(exc, Http404):  # Django's message names the model, in English
            exc = exceptions.NotFound()
        return super().handle_exception(exc)

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail=_("Too many requests for this token or user."))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return conditional(request, response)

    @property
    def token(self):
        return token_of(self.request)

    @property
    def acting_user(self):
        """Whose rights a write uses: the token's acting user, or the logged-in user."""
        token = self.token
        return token.user if token is not None else self.request.user


def _document(resource: str, serializer):
    """The schema of a resource's operations, described by its serializer's docstring (also its row's description
    in the schema: written for the API's readers)."""
    label = str(RESOURCES[resource].label)
    description = inspect.cleandoc(serializer.__doc__)
    list_description = (
        f"{description}\n\nOrdered by change time then id, keyset-paginated (follow “next”). A token reads "
        "everything of the resources in its scope; a logged-in user what the pages let them see."
    )
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {resource}",
            description=f"{label}. {list_description}",
            parameters=CONDITIONAL,
            responses={200: serializer(many=True), **NOT_MODIFIED, **BAD_REQUEST, **ERRORS},
        ),
        export=extend_schema(
            summary=f"Export {resource} (NDJSON)",
            description=(
                f"{label}. {description}\n\nFor a first pull: every row the list gives — the same filters, scope and "
                "representation — streamed as NDJSON (application/x-ndjson), one JSON object a line, in the list's "
                "order (change time, id). Note the time before it starts, then keep up with updated_since from that "
                "moment and the deletions. A row changed during the export may come twice: keep the last. No ETag."
            ),
            parameters=ERROR_HEADERS,
            responses={(200, NdjsonRenderer.media_type): serializer(many=True), **BAD_REQUEST, **ERRORS},
        ),
        retrieve=extend_schema(
            summary=f"One of {resource}",
            description=f"{label}. {description}",
            parameters=CONDITIONAL,
            responses={200: serializer, **NOT_MODIFIED, **NOT_FOUND, **ERRORS},
        ),
    )


class MirroredViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """List (with ``updated_since``, the page's filters, keyset pages) and detail of one mirrored resource."""

    pagination_class = KeysetPagination
    #: ``filterset_class``: the app's FilterSet of the resource's list page, if it has one (a bad value is a 400
    #: naming the parameter, with the form's Chinese message)
    filter_backends = [UpdatedRangeFilter, DjangoFilterBackend]
    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    @property
    def changed_field(self) -> str:
        return MIRRORED[self.resource].changed_field

    def for_client(self):
        """What a token reads: the resource's scope (everything, for most)."""
        scope = MIRRORED[self.resource].scope
        return self.model.objects.all() if scope is None else self.model.objects.filter(scope)

    #: (foreign key, parent model): a user reads the rows of the parents they may read (e.g. a measure's checkpoints)
    visible_through: tuple[str, type] | None = None

    def for_user(self, user):
        """What a logged-in user reads: as on the pages."""
        if self.visible_through:
            field, parent = self.visible_through
            return self.model.objects.filter(**{f"{field}__in": parent.objects.restrict(user)})
        return self.model.objects.restrict(user)

    #: foreign keys to users shown as {"id", "name"}: loaded for a whole page in one query (``attach_people``)
    people: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = self.for_client() if self.token is not None else self.for_user(self.request.user)
        return queryset.select_related(*self.select_related).prefetch_related(*self.prefetch_related)

    def paginate_queryset(self, queryset):
        return attach_people(super().paginate_queryset(queryset), self.people)

    def get_object(self):
        return attach_people([super().get_object()], self.people)[0]

    @action(detail=False, pagination_class=None, renderer_classes=[OrjsonRenderer, NdjsonRenderer])
    def export(self, request):
        """Every row of the list, streamed as NDJSON. The parameters are checked (a 400) before the first row."""
        queryset = self.filter_queryset(self.get_queryset())
        return StreamingHttpResponse(self.export_lines(queryset), content_type=NdjsonRenderer.media_type)

    def export_lines(self, queryset):
        """Run as the response is sent, after ``dispatch`` has returned: each chunk in Chinese again."""
        for rows in keyset_chunks(queryset, self.changed_field, EXPORT_CHUNK):
            with translation.override("zh-hans"):
                yield ndjson_lines(self.get_serializer(attach_people(rows, self.people), many=True).data)

    def reread(self, obj):
        """``obj`` as written, read again for the response."""
        queryset = self.model.objects.select_related(*self.select_related).prefetch_related(*self.prefetch_related)
        return attach_people([queryset.get(pk=obj.pk)], self.people)[0]

    def writable_object(self, model_queryset):
        """The object a write is about, among those the acting user may see (404 otherwise); the service then
        decides whether they may make the write (403)."""
        return get_object_or_404(model_queryset.restrict(self.acting_user), pk=self.kwargs["pk"])


# Plans -----------------------------------------------------------------------------------------------------------


@_document("work-plans", s.WorkPlanSerializer)
class WorkPlanViewSet(MirroredViewSet):
    resource = "work-plans"
    model = WorkPlan
    serializer_class = s.WorkPlanSerializer

    def for_user(self, user):
        return WorkPlan.objects.all()  # every bureau user reads the plan


@_document("key-tasks", s.KeyTaskSerializer)
class KeyTaskViewSet(MirroredViewSet):
    resource = "key-tasks"
    model = KeyTask
    serializer_class = s.KeyTaskSerializer

    def for_user(self, user):
        return KeyTask.objects.all()


@_document("measures", s.MeasureSerializer)
class MeasureViewSet(MirroredViewSet):
    resource = "measures"
    model = Measure
    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilter
    people = ("responsible_leader", "supervised_by")
    prefetch_related = ("cooperating_units",)


@_document("checkpoints", s.CheckpointSerializer)
class CheckpointViewSet(MirroredViewSet):
    resource = "checkpoints"
    model = Checkpoint
    serializer_class = s.CheckpointSerializer
    visible_through = ("measure", Measure)


@_document("progress-reports", s.ProgressReportSerializer)
class ProgressReportViewSet(MirroredViewSet):
    resource = "progress-reports"
    model = ProgressReport
    serializer_class = s.ProgressReportSerializer
    people = ("author", "reviewed_by")
    prefetch_related = ("problems",)

    @extend_schema(
        summary="Write a progress report",
        description=(
            "The lead unit's staff write a month's report on a measure, as a draft or submitted at once "
            "(progress_report_create: the same rules as the page). A token needs writing granted and acts as its user."
        ),
        request=s.ProgressReportInput,
        parameters=ERROR_HEADERS,
        responses={
            201: s.ProgressReportSerializer,
            400: OpenApiResponse(
                description="Invalid input, a report for that month already exists, or the "
                'measure is cancelled: {"<field>": ["…"]}.'
            ),
            **ERRORS,
        },
    )
    def create(self, request, *args, **kwargs):
        data = s.ProgressReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        measure = Measure.objects.filter(pk=values.pop("measure")).first()
        if measure is None:
            raise exceptions.ValidationError({"measure": [_("No such measure.")]})
        problems = [plans_services.Problem(**problem) for problem in values.pop("problems")]
        report = call_service(
            plans_services.progress_report_create,
            user=self.acting_user,
            measure=measure,
            problems=problems,
            **values,
        )
        return Response(s.ProgressReportSerializer(self.reread(report)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Submit a progress report",
        description="Submit a draft or returned report to the unit head (progress_report_submit).",
        request=None,
        parameters=ERROR_HEADERS,
        responses={200: s.ProgressReportSerializer, **NOT_FOUND, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.writable_object(ProgressReport.objects)
        call_service(plans_services.progress_report_submit, user=self.acting_user, report=report)
        return Response(s.ProgressReportSerializer(self.reread(report)).data)


# Projects --------------------------------------------------------------------------------------------------------


@_document("projects", s.ProjectSerializer)
class ProjectViewSet(MirroredViewSet):
    resource = "projects"
    model = Project
    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilter
    people = ("leader",)
    prefetch_related = ("townships", "measures", "listings", "funding_sources")


@_document("investment-plans", s.InvestmentPlanSerializer)
class InvestmentPlanViewSet(MirroredViewSet):
    resource = "investment-plans"
    model = InvestmentPlan
    serializer_class = s.InvestmentPlanSerializer
    visible_through = ("project", Project)


@_document("milestones", s.MilestoneSerializer)
class MilestoneViewSet(MirroredViewSet):
    resource = "milestones"
    model = Milestone
    serializer_class = s.MilestoneSerializer
    visible_through = ("project", Project)


@_document("monthly-progress", s.MonthlyProgressSerializer)
class MonthlyProgressViewSet(MirroredViewSet):
    resource = "monthly-progress"
    model = MonthlyProgress
    serializer_class = s.MonthlyProgressSerializer
    people = ("author", "reviewed_by")
    prefetch_related = ("blockers",)


class InvestmentSummaryView(ApiView, APIView):
    resource = "investment-summary"

    @extend_schema(
        summary="Investment summary",
        description=(
            "Planned and completed investment (万元) of the year by project category, funding source and township, "
            "and the year's totals. Completed counts submitted or accepted monthly progress."
        ),
        parameters=[YEAR, *CONDITIONAL],
        responses={200: s.InvestmentSummarySerializer, **NOT_MODIFIED, **BAD_REQUEST, **ERRORS},
    )
    def get(self, request):
        year = _year(request, periods.default_year())
        projects = Project.objects.all() if self.token is not None else Project.objects.restrict(request.user)
        data = {
            "year": year,
            "totals": project_selectors.annual_completion(year, projects),
            "by_category": project_selectors.investment_by_category(year, projects),
            "by_funding_source": project_selectors.investment_by_funding_source(projects),
            "by_township": project_selectors.investment_by_township(year, projects),
        }
        return Response(s.InvestmentSummarySerializer(data).data)


# Enterprises -----------------------------------------------------------------------------------------------------


@_document("enterprises", s.EnterpriseSerializer)
class EnterpriseViewSet(MirroredViewSet):
    resource = "enterprises"
    model = Enterprise
    serializer_class = s.EnterpriseSerializer
    filterset_class = EnterpriseFilter
    select_related = ("township",)


@_document("vehicles", s.VehicleSerializer)
class VehicleViewSet(MirroredViewSet):
    resource = "vehicles"
    model = Vehicle
    serializer_class = s.VehicleSerializer
    filterset_class = VehicleFilter


@_document("drivers", s.DriverSerializer)
class DriverViewSet(MirroredViewSet):
    resource = "drivers"
    model = Driver
    serializer_class = s.DriverSerializer


MONTH = OpenApiParameter("month", OpenApiTypes.STR, description="The month, YYYY-MM (default: last month).")


class MonitoringFiguresView(ApiView, APIView):
    resource = "monitoring-figures"

    @extend_schema(
        summary="Monitoring monthly figures (两客一危)",
        description=(
            "For one month, from the daily rollups of the smart monitoring platform's alarms and mileage: the "
            "county's alarms per 1,000 km with the same month last year and the change, 处置率, 处理率 and night "
            "running; the same by enterprise and by alarm type. A logged-in user's figures cover what they may see."
        ),
        parameters=[MONTH, *CONDITIONAL],
        responses={200: s.MonitoringFiguresSerializer, **NOT_MODIFIED, **BAD_REQUEST, **ERRORS},
    )
    def get(self, request):
        value = request.query_params.get("month")
        month = parse_month(value) if value is not None else monitoring_figures.previous_month(clock.today())
        if month is None:
            raise exceptions.ValidationError({"month": [_("Give a month as YYYY-MM.")]})
        rollups = _monitoring_rollups(self.token, request.user)
        data = {
            "month": f"{month:%Y-%m}",
            "total": monitoring_figures.total(month=month, rollups=rollups),
            "by_enterprise": monitoring_figures.by(month=month, dimension="enterprise", rollups=rollups),
            "by_alarm_type": monitoring_figures.by_type(month=month, rollups=rollups),
        }
        return Response(s.MonitoringFiguresSerializer(data).data)


def _monitoring_rollups(token, user):
    """The daily rollups a token (everything) or a logged-in user (what the pages show them) reads."""
    return DailyRollup.objects.all() if token is not None else DailyRollup.objects.restrict(user)


# Safety ----------------------------------------------------------------------------------------------------------


@_document("hazards", s.HazardSerializer)
class HazardViewSet(MirroredViewSet):
    resource = "hazards"
    model = Hazard
    serializer_class = s.HazardSerializer
    filterset_class = HazardFilter
    select_related = ("township",)
    people = ("found_by", "rectification_reported_by", "signed_off_by", "closed_by")

    def _step(self, service, input_serializer, **extra):
        data = input_serializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        hazard = self.writable_object(Hazard.objects)
        call_service(service, user=self.acting_user, hazard=hazard, **data.validated_data, **extra)
        return Response(s.HazardSerializer(self.reread(hazard)).data)

    @extend_schema(
        summary="Start a hazard's rectification",
        description="待整改 → 整改中, by the responsible unit (hazard_start_rectification).",
        request=s.NoteInput,
        parameters=ERROR_HEADERS,
        responses={
            200: s.HazardSerializer,
            400: OpenApiResponse(description="The hazard's status does not allow this step."),
            **NOT_FOUND,
            **ERRORS,
        },
    )
    @action(detail=True, methods=["post"], url_path="start-rectification")
    def start_rectification(self, request, pk=None):
        return self._step(safety_services.hazard_start_rectification, s.NoteInput)

    @extend_schema(
        summary="Report a hazard's rectification",
        description=(
            "整改中 → 待验收, by the responsible unit, saying what was done (hazard_report_rectification). Photos are "
            "added on the portal's page."
        ),
        request=s.RectificationInput,
        parameters=ERROR_HEADERS,
        responses={
            200: s.HazardSerializer,
            400: OpenApiResponse(description="No note, or the hazard's status does not allow this step."),
            **NOT_FOUND,
            **ERRORS,
        },
    )
    @action(detail=True, methods=["post"], url_path="report-rectification")
    def report_rectification(self, request, pk=None):
        return self._step(safety_services.hazard_report_rectification, s.RectificationInput)


@_document("hazard-transitions", s.HazardTransitionSerializer)
class HazardTransitionViewSet(MirroredViewSet):
    resource = "hazard-transitions"
    model = HazardTransition
    serializer_class = s.HazardTransitionSerializer
    people = ("by",)
    visible_through = ("hazard", Hazard)


# Inspections, emergency, organisation ----------------------------------------------------------------------------


@_document("inspections", s.InspectionSerializer)
class InspectionViewSet(MirroredViewSet):
    resource = "inspections"
    model = Inspection
    serializer_class = s.InspectionSerializer
    filterset_class = InspectionFilter
    people = ("created_by",)
    prefetch_related = ("inspectors", "enterprises", "projects")


@_document("draws", s.DrawSerializer)
class DrawViewSet(MirroredViewSet):
    resource = "draws"
    model = Draw
    serializer_class = s.DrawSerializer
    filterset_class = DrawFilter
    select_related = ("township",)
    people = ("made_by",)


@_document("checklist-submissions", s.ChecklistSubmissionSerializer)
class ChecklistSubmissionViewSet(MirroredViewSet):
    resource = "checklist-submissions"
    model = Submission
    serializer_class = s.ChecklistSubmissionSerializer
    select_related = ("checklist",)
    people = ("signed_by",)


@_document("duty-assignments", s.DutyAssignmentSerializer)
class DutyAssignmentViewSet(MirroredViewSet):
    resource = "duty-assignments"
    model = DutyAssignment
    serializer_class = s.DutyAssignmentSerializer
    people = ("person",)


@_document("units", s.UnitSerializer)
class UnitViewSet(MirroredViewSet):
    resource = "units"
    model = Unit
    serializer_class = s.UnitSerializer
    people = ("overseeing_leader",)

    def for_user(self, user):
        return Unit.objects.all()


# The yearly indicator summary ------------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


class IndicatorsView(ApiView, APIView):
    resource = "indicators"

    @extend_schema(
        summary="Yearly indicator summary (督查激励)",
        description=(
            "For the provincial assessment, for one year: per key task of the year's plan, measures completed and "
            "the completion and on-time rates (on time: not overdue today — past its due date and still open); "
            "project investment completion by category (万元); hazard zero-out by field (hazards found in the "
            "year); inspections done by kind and random draws made; 两客一危 monitoring by month (alarms per 1,000 "
            "km, 处置率, 处理率). A logged-in user's figures cover what they may see."
        ),
        parameters=[YEAR, *CONDITIONAL],
        responses={200: s.IndicatorsSerializer, **NOT_MODIFIED, **BAD_REQUEST, **ERRORS},
    )
    def get(self, request):
        year = _year(request, periods.default_year())
        client = self.token is not None
        projects = Project.objects.all() if client else Project.objects.restrict(request.user)
        hazards = Hazard.objects.all() if client else Hazard.objects.restrict(request.user)
        inspections = Inspection.objects.all() if client else Inspection.objects.restrict(request.user)
        draws = Draw.objects.all() if client else Draw.objects.restrict(request.user)
        key_tasks = KeyTask.objects.filter(plan__year=year).with_summary().order_by("number")
        zero_out = hazard_zero_out(year=year, hazards=hazards)
        kinds = dict(inspections.filter(date__year=year).order_by().values_list("kind").annotate(count=Count("pk")))
        first = datetime.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())
        data = {
            "year": year,
            "measures_by_key_task": [
                {
                    "key_task": task.pk,
                    "number": task.number,
                    "title": task.title,
                    "measures": task.measure_count,
                    "completed": task.completed_count,
                    "overdue": task.overdue_count,
                    "completion_rate": _percent(task.completed_count, task.measure_count),
                    "on_time_rate": _percent(task.measure_count - task.overdue_count, task.measure_count),
                }
                for task in key_tasks
            ],
            "investment_by_category": project_selectors.investment_by_category(year, projects),
            "hazard_zero_out_by_field": zero_out.by_field,
            "inspections": {
                "total": sum(kinds.values()),
                "by_kind": [
                    {"key": code, "label": str(label), "count": kinds.get(code, 0)}
                    for code, label in InspectionKind.choices
                ],
                "draws": draws.filter(made_at__gte=first, made_at__lt=first.replace(year=year + 1)).count(),
            },
            "monitoring_by_month": monitoring_figures.monthly(
                year=year, rollups=_monitoring_rollups(self.token, request.user)
            ),
        }
        return Response(s.IndicatorsSerializer(data).data)


def not_found(request, path=""):
    """Any other address under /api/: the API's 404, in Chinese JSON like the rest."""
    with translation.override("zh-hans"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)


# Tombstones ------------------------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="Deletions (tombstones)",
        description=(
            "Objects deleted since a moment, for a mirror to delete too: resource, object id and when. Ordered by "
            "deletion time then id, keyset-paginated. A token sees those of the resources in its scope."
        ),
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="Only deletions at or after this moment: ISO 8601 with a time zone (400 otherwise).",
            ),
            OpenApiParameter(
                "resource", OpenApiTypes.STR, enum=list(MIRRORED), description="Only deletions of this resource."
            ),
            *CONDITIONAL,
        ],
        responses={200: s.DeletionSerializer(many=True), **NOT_MODIFIED, **BAD_REQUEST, **ERRORS},
    )
)
class DeletionListView(ApiView, ListAPIView):
    serializer_class = s.DeletionSerializer
    pagination_class = KeysetPagination
    changed_field = "deleted_at"

    def get_queryset(self):
        deletions = Deletion.objects.all()
        token = self.token
        if token is not None:
            deletions = deletions.of(name for name in token.resources if name in MIRRORED)
        params = self.request.query_params
        if "since" in params:
            deletions = deletions.filter(deleted_at__gte=parse_moment(params["since"], "since"))
        if "resource" in params:
            if params["resource"] not in MIRRORED:
                raise exceptions.ValidationError({"resource": [_("Unknown resource.")]})
            deletions = deletions.filter(resource=params["resource"])
        return deletions
