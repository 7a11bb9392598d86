"""What API v1 shows of each resource. Choices read {"code", "label"}, users and townships {"id", "name"}, other
related objects their id (each has its own resource), money a decimal string in 万元 with two decimals, dates and
times ISO 8601 (times in Asia/Shanghai, with the offset). Facts derived from today's date (overdue, delay) are left
out: a mirror would go stale without any change to pull; clients derive them from the dates given.

Input serializers (``…Input``) only parse a write's fields; the apps' services decide."""

from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from checklists.choices import ChecklistKind
from checklists.models import Submission
from core.choices import ProblemCategory
from emergency.models import DutyAssignment
from enterprises.choices import EnterpriseType
from enterprises.models import Enterprise, Vehicle
from enterprises.services import ENTERPRISE_FIELDS, VEHICLE_FIELDS
from inspections.models import Draw, Inspection
from monitoring.models import Driver
from monitoring.services import DRIVER_FIELDS
from organisation.models import Unit
from plans.models import Checkpoint, KeyTask, Measure, ProgressReport, ReportProblem, WorkPlan
from projects.choices import ProjectList
from projects.models import Blocker, FundingSource, InvestmentPlan, Milestone, MonthlyProgress, Project
from safety.models import Hazard, HazardTransition
from safety.services import REGISTER_FIELDS

from .choices import TombstoneReason
from .fields import CodeLabelField, RefField, UidField, reader
from .resources import MIRRORED, resource_for_model

_plans: dict[tuple, list] = {}


class ApiModelSerializer(serializers.ModelSerializer):
    """A model's representation, read through a plan compiled once per serializer class, language and time zone
    (see ``api.fields.reader``): the same output as DRF's field by field ``to_representation``, at a fraction of its
    cost — DRF would build the serializer's fields again on every request. The plan is compiled from a fresh
    instance without context, so it keeps no request alive; no field of these serializers reads its context."""

    serializer_choice_field = CodeLabelField

    @cached_property
    def _plan(self):
        key = (type(self), translation.get_language(), timezone.get_current_timezone_name())
        plan = _plans.get(key)
        if plan is None:
            plan = _plans[key] = [(field.field_name, reader(field)) for field in type(self)()._readable_fields]
        return plan

    def get_fields(self):
        """A mirrored resource's row starts with its ``uid``. Every field is read-only: these serializers only show
        (writes have their ``…Input``), and every row carries every field, which the schema then lists as
        required."""
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        resource = resource_for_model(self.Meta.model)
        return fields if resource is None else {"uid": UidField(resource), **fields}

    def to_representation(self, instance):
        return {name: read(instance) for name, read in self._plan}


# Plans ------------------------------------------------------------------------------------------------------


class WorkPlanSerializer(ApiModelSerializer):
    """The bureau's annual work plans (工作计划)."""

    class Meta:
        model = WorkPlan
        fields = ["id", "year", "title", "published", "published_on", "created_at", "updated_at"]


class KeyTaskSerializer(ApiModelSerializer):
    """The key tasks of a plan (重点工作)."""

    class Meta:
        model = KeyTask
        fields = ["id", "plan", "number", "title", "updated_at"]


class MeasureSerializer(ApiModelSerializer):
    """The measures of the key tasks (举措), with lead and cooperating units."""

    responsible_leader = RefField(allow_null=True)
    supervised_by = RefField(allow_null=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "key_task",
            "number",
            "title",
            "text",
            "lead_unit",
            "cooperating_units",
            "responsible_leader",
            "start_date",
            "due_date",
            "target",
            "status",
            "progress",
            "supervised_at",
            "supervised_by",
            "supervision_note",
            "created_at",
            "updated_at",
        ]


class CheckpointSerializer(ApiModelSerializer):
    """Dated steps of the measures (节点)."""

    class Meta:
        model = Checkpoint
        fields = ["id", "measure", "title", "due_date", "done_on", "note", "updated_at"]


class ReportProblemSerializer(ApiModelSerializer):
    """A problem met, as the report names it: its category and description."""

    class Meta:
        model = ReportProblem
        fields = ["category", "description"]


class ProgressReportSerializer(ApiModelSerializer):
    """Monthly progress reports on measures (进度报送), with the problems met. A token does not read drafts (not yet
    reported)."""

    problems = ReportProblemSerializer(many=True, read_only=True)
    author = RefField()
    reviewed_by = RefField(allow_null=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "measure",
            "month",
            "state",
            "text",
            "progress",
            "problems",
            "author",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "return_reason",
            "created_at",
            "updated_at",
        ]


class ProblemInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=ProblemCategory.choices, help_text=_("Code of the problem category."))
    description = serializers.CharField(max_length=2000)


class ProgressReportInput(serializers.Serializer):
    measure = serializers.IntegerField(help_text=_("Id of the measure (your unit must lead it)."))
    month = serializers.DateField(help_text=_("Any day of the month reported on; stored as its first day."))
    text = serializers.CharField(max_length=20000)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    problems = ProblemInput(many=True, required=False, default=list)
    submit = serializers.BooleanField(
        default=False, help_text=_("Submit to the unit head at once; otherwise it stays a draft.")
    )


# Projects ---------------------------------------------------------------------------------------------------


class FundingSourceSerializer(ApiModelSerializer):
    """One source of a project's funding and its amount (万元)."""

    class Meta:
        model = FundingSource
        fields = ["source", "amount"]


class ListingsField(serializers.ListField):
    def get_attribute(self, instance):
        return [listing.list for listing in instance.listings.all()]


class ProjectSerializer(ApiModelSerializer):
    """The road project registry (项目库) with townships, funding sources (万元), lists and the measures served."""

    leader = RefField(allow_null=True)
    lists = ListingsField(child=CodeLabelField(choices=ProjectList.choices), read_only=True)
    funding_sources = FundingSourceSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "code",
            "category",
            "stage",
            "townships",
            "length_km",
            "total_investment",
            "funding_sources",
            "owner_entity",
            "contractor",
            "responsible_unit",
            "leader",
            "planned_start",
            "planned_finish",
            "actual_start",
            "actual_finish",
            "measures",
            "lists",
            "description",
            "created_at",
            "updated_at",
        ]


class InvestmentPlanSerializer(ApiModelSerializer):
    """Projects' planned investment per year (万元)."""

    class Meta:
        model = InvestmentPlan
        fields = ["id", "project", "year", "amount", "updated_at"]


class MilestoneSerializer(ApiModelSerializer):
    """Projects' milestones (立项 … 竣工验收) with planned and actual dates."""

    class Meta:
        model = Milestone
        fields = ["id", "project", "phase", "planned_date", "actual_date", "note", "updated_at"]


class BlockerSerializer(ApiModelSerializer):
    """A blocker named in a month's progress: its category and description."""

    class Meta:
        model = Blocker
        fields = ["category", "description"]


class MonthlyProgressSerializer(ApiModelSerializer):
    """Projects' monthly progress (月度进度): investment (万元), physical %, blockers. A token does not read drafts."""

    blockers = BlockerSerializer(many=True, read_only=True)
    author = RefField()
    reviewed_by = RefField(allow_null=True)

    class Meta:
        model = MonthlyProgress
        fields = [
            "id",
            "project",
            "month",
            "state",
            "investment",
            "physical_progress",
            "narrative",
            "blockers",
            "over_total_reason",
            "author",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "return_reason",
            "created_at",
            "updated_at",
        ]


# Enterprises ------------------------------------------------------------------------------------------------


class EnterpriseSerializer(ApiModelSerializer):
    """Transport enterprises (运输企业), credit ratings and red/black lists."""

    township = RefField(allow_null=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            *ENTERPRISE_FIELDS,
            "list_status",
            "list_reason",
            "list_start",
            "list_end",
            "created_at",
            "updated_at",
        ]


class VehicleSerializer(ApiModelSerializer):
    """Vehicles of the enterprises (两客一危 and others)."""

    class Meta:
        model = Vehicle
        fields = ["id", *VEHICLE_FIELDS, "created_at", "updated_at"]


class DriverSerializer(ApiModelSerializer):
    """Drivers and escorts of the 两客一危 enterprises, with the qualification certificate (从业资格证)."""

    class Meta:
        model = Driver
        fields = ["id", *DRIVER_FIELDS, "created_at", "updated_at"]


# Safety -----------------------------------------------------------------------------------------------------


class HazardSerializer(ApiModelSerializer):
    """The hazard register (隐患排查治理台账) with the five fixes and workflow."""

    township = RefField()
    found_by = RefField()
    rectification_reported_by = RefField(allow_null=True)
    signed_off_by = RefField(allow_null=True)
    closed_by = RefField(allow_null=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "code",
            *REGISTER_FIELDS,
            "found_by",
            "status",
            "rectification_note",
            "rectification_reported_by",
            "rectification_reported_at",
            "signed_off_by",
            "signed_off_at",
            "verification_note",
            "closed_by",
            "closed_at",
            "created_at",
            "updated_at",
        ]


class HazardTransitionSerializer(ApiModelSerializer):
    """Each step of each hazard's workflow."""

    by = RefField()

    class Meta:
        model = HazardTransition
        fields = ["id", "hazard", "action", "from_status", "to_status", "by", "at", "note", "updated_at"]


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=20000, allow_blank=True, default="")


class RectificationInput(serializers.Serializer):
    note = serializers.CharField(max_length=20000, help_text=_("What was done to rectify the hazard."))


# Inspections ------------------------------------------------------------------------------------------------


class InspectionSerializer(ApiModelSerializer):
    """Inspections (日常 / 专项 / 四不两直 / 双随机) and who inspected what."""

    inspectors = serializers.ListField(child=RefField(), source="inspectors.all", read_only=True)
    created_by = RefField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "kind",
            "date",
            "lead_unit",
            "inspectors",
            "enterprises",
            "projects",
            "summary",
            "draw",
            "created_by",
            "created_at",
            "updated_at",
        ]


class ChecklistSubmissionSerializer(ApiModelSerializer):
    """Signed checklist submissions (督查激励 indicators, acceptance standards): the checklist's year, kind and
    title, who signed it and when, the total self-score, and every item as signed (number, name, unit of measure,
    target, value, self-score, full marks, weight, explanation, lead unit, evidence files). Never changed once
    signed; `updated_since` compares the time of signing."""

    year = serializers.IntegerField(source="checklist.year", read_only=True)
    kind = CodeLabelField(source="checklist.kind", choices=ChecklistKind.choices, read_only=True)
    title = serializers.CharField(source="checklist.title", read_only=True)
    signed_by = RefField()

    class Meta:
        model = Submission
        fields = ["id", "checklist", "year", "kind", "title", "signed_by", "signed_at", "total_score", "rows"]


class DrawSerializer(ApiModelSerializer):
    """Random draws (双随机): seed, inputs and result, never changed; `updated_since` compares their time made."""

    made_by = RefField()
    township = RefField(allow_null=True)
    enterprise_type = CodeLabelField(choices=EnterpriseType.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Draw
        fields = [
            "id",
            "title",
            "made_at",
            "made_by",
            "lead_unit",
            "enterprise_type",
            "township",
            "enterprise_count",
            "inspectors_per_enterprise",
            "seed",
            "enterprise_ids",
            "inspector_ids",
            "excluded_pairs",
            "result",
        ]


# Emergency and organisation ---------------------------------------------------------------------------------


class DutyAssignmentSerializer(ApiModelSerializer):
    """The emergency duty roster (应急值守), one row per duty."""

    person = RefField()

    class Meta:
        model = DutyAssignment
        fields = ["id", "date", "role", "person", "phone", "note", "created_at", "updated_at"]


class UnitSerializer(ApiModelSerializer):
    """The bureau's sections and subordinate units, with their responsibilities."""

    overseeing_leader = RefField(allow_null=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "overseeing_leader",
            "sort_order",
            "supervises_safety",
            "keeps_duty_roster",
            "enforces_law",
            "updated_at",
        ]


# Summaries --------------------------------------------------------------------------------------------------


def _money(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=2, **kwargs)


def _rate(help_text):
    return serializers.FloatField(allow_null=True, help_text=help_text)


class InvestmentFiguresSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    projects = serializers.IntegerField()
    total_investment = _money(help_text=_("Total investment of these projects (万元)."))
    planned = _money(help_text=_("The year's planned investment (万元)."))
    completed = _money(help_text=_("The year's completed investment, as reported (万元)."))
    rate = _rate(_("Completed / planned, in percent (one decimal); null when nothing was planned."))


class FundingFiguresSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    projects = serializers.IntegerField()
    amount = _money(help_text=_("Funding committed by this kind of source (万元)."))


class AnnualCompletionSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    planned = _money()
    completed = _money()
    rate = _rate(_("Completed / planned, in percent; null when nothing was planned."))


class InvestmentSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    totals = AnnualCompletionSerializer()
    by_category = InvestmentFiguresSerializer(many=True)
    by_funding_source = FundingFiguresSerializer(many=True)
    by_township = InvestmentFiguresSerializer(many=True)


class KeyTaskIndicatorSerializer(serializers.Serializer):
    key_task = serializers.IntegerField(help_text=_("Id of the key task."))
    number = serializers.IntegerField()
    title = serializers.CharField()
    measures = serializers.IntegerField()
    completed = serializers.IntegerField()
    overdue = serializers.IntegerField()
    completion_rate = _rate(_("Completed measures / measures, in percent; null without measures."))
    on_time_rate = _rate(_("Measures not overdue / measures, in percent; null without measures."))


class ZeroOutIndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    closed = serializers.IntegerField()
    overdue = serializers.IntegerField()
    rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        allow_null=True,
        help_text=_("Closed / found, in percent; null when none found."),
    )
    zeroed = serializers.BooleanField(help_text=_("Every hazard found is closed (隐患清零)."))


class InspectionCountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class InspectionIndicatorSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_kind = InspectionCountSerializer(many=True)
    draws = serializers.IntegerField(help_text=_("Random draws (双随机) made in the year."))


def _fraction(help_text):
    return serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True, help_text=help_text)


class MonitoringFigureSerializer(serializers.Serializer):
    label = serializers.CharField(help_text=_("What the row is about: an enterprise, an alarm type or a month."))
    km = serializers.DecimalField(max_digits=14, decimal_places=1)
    alarms = serializers.IntegerField()
    per_1000_km = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text=_("Alarms ÷ km × 1,000; null without km.")
    )
    per_1000_km_last_year = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text=_("The same month last year.")
    )
    change = _fraction(_("Against the same month last year, as a fraction (-0.2: down 20%)."))
    disposal_rate = _fraction(_("处置率: alarms handled within the time limit ÷ alarms, as a fraction."))
    handling_rate = _fraction(_("处理率: alarms handled ÷ alarms, as a fraction."))


class EnterpriseMonitoringSerializer(MonitoringFigureSerializer):
    enterprise = serializers.SerializerMethodField(help_text=_("The enterprise's id."))
    night_running = serializers.IntegerField(
        help_text=_("Vehicle-days a passenger vehicle ran between 02:00 and 05:00.")
    )

    def get_enterprise(self, figure) -> int:
        return figure.alarm_query["enterprise"]


class MonitoringTotalSerializer(MonitoringFigureSerializer):
    night_running = serializers.IntegerField(
        help_text=_("Vehicle-days a passenger vehicle ran between 02:00 and 05:00.")
    )


class MonitoringFiguresSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=_("The month, YYYY-MM."))
    total = MonitoringTotalSerializer()
    by_enterprise = EnterpriseMonitoringSerializer(many=True)
    by_alarm_type = MonitoringFigureSerializer(many=True)


class IndicatorsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    measures_by_key_task = KeyTaskIndicatorSerializer(many=True)
    investment_by_category = InvestmentFiguresSerializer(many=True)
    hazard_zero_out_by_field = ZeroOutIndicatorSerializer(many=True)
    inspections = InspectionIndicatorSerializer()
    monitoring_by_month = MonitoringFigureSerializer(
        many=True, help_text=_("两客一危 monitoring, each month of the year: alarms per 1,000 km, 处置率, 处理率.")
    )


class DeletionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Id of the tombstone (its position in the list)."))
    uid = serializers.SerializerMethodField(help_text=_("The object's identifier, as its rows gave it."))
    resource = serializers.CharField(help_text=_("The resource the object belonged to, e.g. hazards."))
    object_id = serializers.IntegerField()
    reason = CodeLabelField(
        choices=TombstoneReason.choices,
        help_text=_("deleted, or left_scope: no longer among what the token reads (e.g. moved back to draft)."),
    )
    deleted_at = serializers.DateTimeField()

    def get_uid(self, deletion) -> str:
        return MIRRORED[deletion.resource].uid(deletion.object_id)
