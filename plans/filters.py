import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import YearFilter
from core.forms import AllYesNoSelect, BootstrapFormMixin
from organisation.models import Unit

from .choices import MeasureStatus
from .models import KeyTask, Measure


class MeasureFilter(django_filters.FilterSet):
    year = YearFilter(field_name="key_task__plan__year", label=_("Year"))
    key_task = django_filters.ModelChoiceFilter(
        queryset=KeyTask.objects.select_related("plan"), label=_("Key task"), empty_label=_("All key tasks")
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), method="filter_unit", label=_("Unit"), empty_label=_("All units")
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

    def filter_unit(self, queryset, name, unit):
        """A unit's measures: those it leads and those it cooperates on."""
        return queryset.filter(Q(lead_unit=unit) | Q(cooperating_units=unit)).distinct()

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset.exclude(queryset.overdue_q())

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value) | Q(target__icontains=value))
