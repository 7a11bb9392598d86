import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import YearFilter
from core.forms import BootstrapFormMixin
from organisation.models import Unit

from .models import Drill


class DrillFilter(django_filters.FilterSet):
    year = YearFilter(field_name="date", lookup_expr="year", label=_("Year"))
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), field_name="units", label=_("Unit"), empty_label=_("All units")
    )
    q = django_filters.CharFilter(field_name="scenario", lookup_expr="icontains", label=_("Search"))

    class Meta:
        model = Drill
        fields = ["year", "unit", "q"]

    def get_form_class(self):
        return type("DrillFilterForm", (BootstrapFormMixin, super().get_form_class()), {})
