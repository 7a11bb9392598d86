import django_filters
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.filters import OnDemandOptions, YearFilter
from core.forms import AllYesNoSelect, BootstrapFormMixin, OnDemandSelect
from organisation.models import Unit

from .choices import MeasureStatus
from .models import KeyTask, Measure


def _options_url(name: str):
    return reverse_lazy("plans:measure_filter_options", args=[name])


class MeasureFilter(OnDemandOptions, django_filters.FilterSet):
    year = YearFilter(field_name="key_task__plan__year", label=_("Year"))
    # Key tasks and units grow with the plan (a province's: hundreds): their options are loaded on demand.
    key_task = django_filters.ModelChoiceFilter(
        queryset=KeyTask.objects.select_related("plan"),
        label=_("Key task"),
        empty_label=_("All key tasks"),
        widget=OnDemandSelect(url=_options_url("key_task"), reload_on="#id_year"),
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(),
        method="filter_unit",
        label=_("Unit"),
        empty_label=_("All units"),
        widget=OnDemandSelect(url=_options_url("unit")),
    )
    status = django_filters.ChoiceFilter(choices=MeasureStatus.choices, label=_("Status"), empty_label=_("Any status"))
    overdue = django_filters.BooleanFilter(widget=AllYesNoSelect, method="filter_overdue", label=_("Overdue"))
    supervised = django_filters.BooleanFilter(
        widget=AllYesNoSelect,
        field_name="supervised_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("Under supervision"),
    )
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))

    class Meta:
        model = Measure
        fields = ["year", "key_task", "unit", "status", "overdue", "supervised", "q"]

    def get_form_class(self):
        return type("MeasureFilterForm", (BootstrapFormMixin, super().get_form_class()), {})

    def option_rows(self, name: str, rows):
        """The key tasks of the chosen year's plan, when a year is chosen."""
        self.form.is_valid()  # cleans every field: a wrong one leaves the others in cleaned_data
        year = self.form.cleaned_data.get("year")
        return rows.filter(plan__year=year) if name == "key_task" and year else rows

    def filter_unit(self, queryset, name, unit):
        """A unit's measures: those it leads and those it cooperates on."""
        return queryset.filter(Q(lead_unit=unit) | Q(cooperating_units=unit)).distinct()

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset.exclude(queryset.overdue_q())

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value) | Q(target__icontains=value))
