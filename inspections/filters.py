import datetime

import django_filters
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.filters import YEARS, YearFilter
from core.forms import BootstrapFormMixin, DateInput, MonthInput
from liuyang_transport.formats.dates import MONTH_INPUT_FORMATS
from organisation.models import Unit

from .choices import InspectionKind
from .models import Draw, Inspection


def _enterprises(request):
    from enterprises.models import Enterprise

    return Enterprise.objects.order_by("name")


class InspectionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("Kind"), empty_label=_("All kinds"))
    date_from = django_filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        label=_("From"),
        widget=DateInput(),
    )
    date_to = django_filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        label=_("To"),
        widget=DateInput(),
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), field_name="lead_unit", label=_("Lead unit"), empty_label=_("All units")
    )
    enterprise = django_filters.ModelChoiceFilter(
        queryset=_enterprises, field_name="enterprises", label=_("Enterprise"), empty_label=_("All enterprises")
    )

    class Meta:
        model = Inspection
        fields = ["kind", "date_from", "date_to", "unit", "enterprise"]

    def get_form_class(self):
        return type("InspectionFilterForm", (BootstrapFormMixin, super().get_form_class()), {})


class DrawFilter(django_filters.FilterSet):
    """Draws by when they were made (local time): a year, or a month given as YYYY-MM."""

    year = YearFilter(field_name="made_at", lookup_expr="year", label=_("Year"))
    month = django_filters.DateFilter(
        method="filter_month",
        label=_("Month"),
        input_formats=MONTH_INPUT_FORMATS,
        validators=[
            MinValueValidator(datetime.date(YEARS[0], 1, 1)),
            MaxValueValidator(datetime.date(YEARS[1], 12, 1)),
        ],
        widget=MonthInput(),
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), field_name="lead_unit", label=_("Lead unit"), empty_label=_("All units")
    )

    class Meta:
        model = Draw
        fields = ["year", "month", "unit"]

    def get_form_class(self):
        return type("DrawFilterForm", (BootstrapFormMixin, super().get_form_class()), {})

    def filter_month(self, queryset, name, month):
        return queryset.made_in_month(month)
