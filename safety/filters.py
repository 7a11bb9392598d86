import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import YearFilter
from core.forms import AllYesNoSelect, BootstrapFormMixin
from organisation.models import Township, Unit

from .choices import HazardField, HazardLevel, HazardStatus
from .models import Hazard


class HazardFilter(django_filters.FilterSet):
    year = YearFilter(method="filter_year", label=_("Year"))
    field = django_filters.ChoiceFilter(choices=HazardField.choices, label=_("Field"), empty_label=_("All fields"))
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Level"), empty_label=_("Any level"))
    status = django_filters.ChoiceFilter(choices=HazardStatus.choices, label=_("Status"), empty_label=_("Any status"))
    township = django_filters.ModelChoiceFilter(
        queryset=Township.objects.all(), label=_("Township"), empty_label=_("All townships")
    )
    unit = django_filters.ModelChoiceFilter(
        field_name="responsible_unit",
        queryset=Unit.objects.all(),
        label=_("Responsible unit"),
        empty_label=_("All units"),
    )
    overdue = django_filters.BooleanFilter(widget=AllYesNoSelect, method="filter_overdue", label=_("Overdue"))
    open = django_filters.BooleanFilter(widget=AllYesNoSelect, method="filter_open", label=_("Open (not closed)"))
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))

    class Meta:
        model = Hazard
        fields = ["year", "field", "level", "status", "township", "unit", "overdue", "open", "q"]

    def get_form_class(self):
        return type("HazardFilterForm", (BootstrapFormMixin, super().get_form_class()), {})

    def filter_year(self, queryset, name, value):
        return queryset.for_year(value)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset.exclude(queryset.overdue_q())

    def filter_open(self, queryset, name, value):
        return queryset.open() if value else queryset.exclude(status__in=HazardStatus.open())

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(code__icontains=value)
            | Q(location__icontains=value)
            | Q(description__icontains=value)
            | Q(responsible_person__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(project__name__icontains=value)
            | Q(vehicle__plate__icontains=value)
        )
