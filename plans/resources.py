"""Import and export of measures (Excel / CSV).

A row is about the measure numbered (year, key task number, measure number). Administrators may change every
column and add measures to an existing key task. Staff and unit heads may change, on the measures their unit
leads, the columns they may change on the measure's page (``services.MEASURE_EDITABLE_FIELDS``), and may not
hand a measure to another unit. A row that changes nothing is allowed whoever's measure it is, so that a full
export can be edited and imported back. Everything is looked up in bulk before the first row.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export.fields import Field

from core.imports.resources import PortalModelResource, add_error
from core.imports.widgets import (
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    NameForeignKeyWidget,
    TextWidget,
    clean_text,
)
from core.writes import RowCheckWrites
from organisation.imports import unit_widget, units_widget
from organisation.models import User

from . import services
from .choices import MeasureStatus
from .models import KeyTask, Measure, WorkPlan
from .services import MEASURE_EDITABLE_FIELDS, MEASURE_PLAN_FIELDS

KEY_FIELDS = ("year", "key_task_number", "number")

_year = IntegerWidget(min_value=1900, max_value=9999, required=True)
_number = IntegerWidget(min_value=1, max_value=32767, required=True)


class MeasureResource(PortalModelResource):
    year = Field(
        attribute="key_task__plan__year",
        column_name=pgettext_lazy("import column", "Year"),
        widget=_year,
        readonly=True,
    )
    key_task_number = Field(
        attribute="key_task__number",
        column_name=pgettext_lazy("import column", "Key task no."),
        widget=_number,
        readonly=True,
    )
    key_task = Field(
        attribute="key_task__title",
        column_name=pgettext_lazy("import column", "Key task"),
        widget=TextWidget(),
        readonly=True,
    )
    number = Field(attribute="number", column_name=pgettext_lazy("import column", "Measure no."), widget=_number)
    title = Field(
        attribute="title", column_name=pgettext_lazy("import column", "Measure"), widget=TextWidget(required=True)
    )
    text = Field(attribute="text", column_name=pgettext_lazy("import column", "Full text"), widget=TextWidget())
    lead_unit = Field(
        attribute="lead_unit",
        column_name=pgettext_lazy("import column", "Lead unit"),
        widget=unit_widget(),
    )
    cooperating_units = Field(
        attribute="cooperating_units",
        column_name=pgettext_lazy("import column", "Cooperating units"),
        widget=units_widget(),
    )
    responsible_leader = Field(
        attribute="responsible_leader",
        column_name=pgettext_lazy("import column", "Responsible leader"),
        widget=NameForeignKeyWidget(
            User.objects.filter(role=User.Role.LEADER), keys=("full_name", "username"), thing=User.Role.LEADER.label
        ),
    )
    start_date = Field(
        attribute="start_date", column_name=pgettext_lazy("import column", "Start date"), widget=DateWidget()
    )
    due_date = Field(attribute="due_date", column_name=pgettext_lazy("import column", "Due date"), widget=DateWidget())
    target = Field(
        attribute="target", column_name=pgettext_lazy("import column", "Target / deliverable"), widget=TextWidget()
    )
    status = Field(
        attribute="status", column_name=pgettext_lazy("import column", "Status"), widget=ChoiceWidget(MeasureStatus)
    )
    progress = Field(
        attribute="progress",
        column_name=pgettext_lazy("import column", "Progress %"),
        widget=IntegerWidget(min_value=0, max_value=100, required=True),
    )

    required_columns = KEY_FIELDS
    header_synonyms = {
        "year": ("年度", "计划年度"),
        "key_task_number": ("重点任务序号", "任务序号"),
        "key_task": ("重点任务", "工作任务"),
        "number": ("举措序号", "措施序号"),
        "title": ("举措名称", "工作举措", "工作措施", "具体措施"),
        "text": ("工作内容", "具体内容", "举措内容"),
        "lead_unit": ("牵头单位", "责任单位", "责任科室"),
        "cooperating_units": ("配合单位", "协办单位"),
        "responsible_leader": ("责任领导", "分管领导"),
        "start_date": ("开始时间", "起始时间"),
        "due_date": ("完成时限", "完成时间", "截止时间"),
        "target": ("目标", "工作目标", "完成标准"),
    }
    column_help = {
        "year": gettext_lazy("With the key task and measure numbers, says which measure a row is about."),
        "key_task": gettext_lazy("For reference only; not imported."),
        "number": gettext_lazy("A number not yet used under the key task adds a measure (administrators only)."),
        "cooperating_units": gettext_lazy("Unit names separated by 、 or commas."),
        "responsible_leader": gettext_lazy("A bureau leader's full name or user name."),
        "start_date": gettext_lazy("For example 2020-03-15, 2020/3/15 or 2020年3月15日."),
        "due_date": gettext_lazy("For example 2020-03-15, 2020/3/15 or 2020年3月15日."),
        "status": gettext_lazy("Not started, In progress, Completed, Lagging or Cancelled."),
        "progress": gettext_lazy("A whole number from 0 to 100."),
    }

    class Meta:
        model = Measure
        fields = (
            "year",
            "key_task_number",
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
        )
        export_order = fields
        import_order = fields

    @classmethod
    def may_import(cls, user) -> bool:
        """Who may open the import page: administrators and the members of a unit (not leaders)."""
        return user.is_authenticated and user.is_active and (user.is_administrator or user.is_unit_member)

    # Export ---------------------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("key_task__plan", "lead_unit", "responsible_leader").prefetch_related(
            "cooperating_units"
        )

    # Import ---------------------------------------------------------------------------------------------

    def prepare_import(self, dataset) -> None:
        """Plans, key tasks, measures and what the user may change, for the years in the file: four queries."""
        column = self.fields["year"].column_name
        years = set()
        if column in (dataset.headers or []):
            for value in dataset.get_col(dataset.headers.index(column)):
                try:
                    years.add(_year.clean(value))
                except ValueError:
                    pass
        self._plans = set(WorkPlan.objects.filter(year__in=years).values_list("year", flat=True))
        self._tasks = {
            (task.plan.year, task.number): task
            for task in KeyTask.objects.filter(plan__year__in=years).select_related("plan")
        }
        measures = (
            Measure.objects.filter(key_task__plan__year__in=years)
            .select_related("key_task__plan", "lead_unit", "responsible_leader")
            .prefetch_related("cooperating_units")
        )
        self._measures = {(m.key_task.plan.year, m.key_task.number, m.number): m for m in measures}
        self._changeable = set()
        if self.user is not None:
            changeable = Measure.objects.restrict(self.user, "change").filter(key_task__plan__year__in=years)
            self._changeable = set(changeable.values_list("pk", flat=True))
        self._seen = {}
        self._row_number = 0

    def _key(self, row) -> tuple[int, int, int]:
        errors, values = {}, []
        for name in KEY_FIELDS:
            field = self.fields[name]
            try:
                values.append(field.widget.clean(row.get(field.column_name)))
            except ValueError as error:
                add_error(errors, name, str(error))
        if errors:
            raise ValidationError(errors)
        return tuple(values)

    def find_instance(self, row, instance_loader):
        year, task_number, number = self._key(row)
        if year not in self._plans:
            raise ValidationError({"year": _("There is no work plan for %(year)s.") % {"year": year}})
        if (year, task_number) not in self._tasks:
            raise ValidationError(
                {
                    "key_task_number": _("The %(year)s plan has no key task %(number)s.")
                    % {"year": year, "number": task_number}
                }
            )
        key = (year, task_number, number)
        if key in self._seen:
            raise ValidationError(
                _("Measure %(code)s appears more than once in the file (also in row %(row)s).")
                % {"code": f"{task_number}.{number}", "row": self._seen[key]}
            )
        self._seen[key] = self.sheet_row(self._row_number)
        return self._measures.get(key)

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._row_number = kwargs.get("row_number", 0)

    def init_instance(self, row=None):
        try:
            year, task_number, _number_ = self._key(row or {})
        except ValidationError:
            return Measure()
        task = self._tasks.get((year, task_number))
        return Measure(key_task=task) if task is not None else Measure()

    def row_writes(self):
        return RowCheckWrites({(Measure, "change"): self._changeable})

    def check_row(self, *, instance, row, new, changed, errors) -> None:
        """The services' own permissions and rules (``measure_create`` / ``measure_update``), on the row."""
        m2m = self._row.m2m
        if new:
            values = self.row_values(instance, (*MEASURE_EDITABLE_FIELDS, *MEASURE_PLAN_FIELDS))
            cooperating = m2m.get("cooperating_units", [])
            self.check_with_service(
                errors, services.measure_create, user=self.user, cooperating_units=cooperating, **values
            )
        elif changed:  # an unchanged row writes nothing, whoever's measure it is
            changes = {}
            for name in changed:
                attribute = self.fields[name].attribute
                changes[attribute] = m2m[name] if name in m2m else getattr(instance, attribute)
            before = self.row_before(instance)
            self.check_with_service(errors, services.measure_update, user=self.user, measure=before, **changes)

    def row_label(self, row: dict) -> str:
        year, task, number = (clean_text(row.get(self.fields[name].column_name)) for name in KEY_FIELDS)
        title = clean_text(row.get(self.fields["title"].column_name))
        code = f"{year} · {task}.{number}" if year or task or number else ""
        return f"{code} {title}".strip()
