"""Import and export of the duty roster (a month sheet): one row per duty — date, duty, person, phone, note.

A row is about the duty of (date, person): an existing one is updated, a new one added. Only the roster-keeping
unit and administrators may import. Everything is looked up in bulk before the first row."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export.fields import Field

from core.imports.resources import PortalModelResource, add_error
from core.imports.widgets import ChoiceWidget, DateWidget, NameForeignKeyWidget, TextWidget, clean_text
from organisation.models import User

from . import services
from .choices import DutyRole
from .models import ONE_LEADER_A_DAY, DutyAssignment
from .querysets import keeps_roster

_date = DateWidget()


class DutyAssignmentResource(PortalModelResource):
    date = Field(attribute="date", column_name=pgettext_lazy("import column", "Date"), widget=_date)
    role = Field(attribute="role", column_name=pgettext_lazy("import column", "Duty"), widget=ChoiceWidget(DutyRole))
    person = Field(
        attribute="person",
        column_name=pgettext_lazy("import column", "Person"),
        widget=NameForeignKeyWidget(
            User.objects.filter(is_active=True), keys=("full_name", "username"), thing=gettext_lazy("person")
        ),
    )
    unit = Field(attribute="person__unit__name", column_name=pgettext_lazy("import column", "Unit"), readonly=True)
    phone = Field(attribute="phone", column_name=pgettext_lazy("import column", "Phone on duty"), widget=TextWidget())
    note = Field(attribute="note", column_name=pgettext_lazy("import column", "Note"), widget=TextWidget())

    required_columns = ("date", "person")
    header_synonyms = {
        "date": ("值班日期", "日期"),
        "role": ("值班岗位", "岗位", "职务"),
        "person": ("值班人员", "值班人", "姓名"),
        "phone": ("值班电话", "联系电话", "电话"),
        "note": ("备注",),
    }
    column_help = {
        "date": gettext_lazy("For example 2020-03-15, 2020/3/15 or 2020年3月15日."),
        "role": gettext_lazy("Leader on duty or Staff on duty."),
        "person": gettext_lazy("A user's full name or user name; with the date, says which duty a row is about."),
        "unit": gettext_lazy("For reference only; not imported."),
        "phone": gettext_lazy("Leave empty to use the phone in the person's account."),
    }

    class Meta:
        model = DutyAssignment
        fields = ("date", "role", "person", "unit", "phone", "note")
        export_order = fields
        import_order = fields

    @classmethod
    def may_import(cls, user) -> bool:
        return keeps_roster(user)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("person__unit").order_by("date", "role", "pk")

    def prepare_import(self, dataset) -> None:
        """The file's dates, and the duties already on them: two queries."""
        column = self.fields["date"].column_name
        dates = set()
        if column in (dataset.headers or []):
            for value in dataset.get_col(dataset.headers.index(column)):
                try:
                    if (day := _date.clean(value)) is not None:
                        dates.add(day)
                except ValueError:
                    pass
        self._existing = {
            (duty.date, duty.person_id): duty
            for duty in DutyAssignment.objects.filter(date__in=dates).select_related("person")
        }
        self._leaders = {duty.date: duty.pk for duty in self._existing.values() if duty.role == DutyRole.LEADER}
        self._file_leaders = {}
        self._seen = {}
        self._row_number = 0

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._row_number = kwargs.get("row_number", 0)

    def find_instance(self, row, instance_loader):
        errors, key = {}, []
        for name in ("date", "person"):
            field = self.fields[name]
            try:
                value = field.widget.clean(row.get(field.column_name))
            except ValueError as error:
                add_error(errors, name, str(error))
                continue
            if value is None:
                add_error(errors, name, _("This column must not be empty."))
            key.append(value)
        if errors:
            raise ValidationError(errors)
        date, person = key
        if (date, person.pk) in self._seen:
            raise ValidationError(
                {
                    "person": _("%(person)s is on duty twice on %(date)s (also in row %(row)s).")
                    % {"person": person, "date": f"{date:%Y-%m-%d}", "row": self._seen[(date, person.pk)]}
                }
            )
        self._seen[(date, person.pk)] = self.sheet_row(self._row_number)
        return self._existing.get((date, person.pk))

    def check_row(self, *, instance, row, new, changed, errors) -> None:
        """The services' own permission and rules (``duty_assign`` / ``duty_update``), on the row; the
        constraints (one duty a person and day, one leader a day), against the duties loaded once and the file's
        earlier rows."""
        if new:
            values = self.row_values(instance, services.DUTY_FIELDS)
            self.check_with_service(errors, services.duty_assign, user=self.user, **values)
        elif changed:
            before = self.row_before(instance)
            changes = self.row_values(instance, [self.fields[name].attribute for name in changed])
            self.check_with_service(errors, services.duty_update, user=self.user, assignment=before, **changes)
        if instance.role == DutyRole.LEADER and instance.date is not None and not errors:
            earlier = self._file_leaders.get(instance.date)
            existing = self._leaders.get(instance.date)
            if earlier is not None:
                add_error(errors, "role", _("This day already has a leader on duty (row %(row)s).") % {"row": earlier})
            elif existing is not None and existing != instance.pk:
                add_error(errors, "role", ONE_LEADER_A_DAY)
            else:
                self._file_leaders[instance.date] = self.sheet_row(self._row_number)

    def row_label(self, row: dict) -> str:
        return " ".join(clean_text(row.get(self.fields[name].column_name)) for name in ("date", "role", "person"))
