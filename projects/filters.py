import django_filters
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.choices import ProblemCategory
from core.filters import OnDemandOptions
from core.forms import AllYesNoSelect, BootstrapFormMixin, OnDemandSelect
from organisation.models import Township, Unit

from .choices import ProjectCategory, ProjectList, ProjectStage
from .models import Project


class ProjectFilter(OnDemandOptions, django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        choices=ProjectCategory.choices, label=_("Category"), empty_label=_("All categories")
    )
    stage = django_filters.ChoiceFilter(choices=ProjectStage.choices, label=_("Stage"), empty_label=_("Any stage"))
    township = django_filters.ModelChoiceFilter(
        queryset=Township.objects.all(), method="filter_township", label=_("Township"), empty_label=_("All townships")
    )
    list = django_filters.ChoiceFilter(
        choices=ProjectList.choices, method="filter_list", label=_("List"), empty_label=_("All lists")
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(),
        field_name="responsible_unit",
        label=_("Responsible unit"),
        empty_label=_("All units"),
        widget=OnDemandSelect(url=reverse_lazy("projects:filter_options", args=["unit"])),  # grows with the data
    )
    behind = django_filters.BooleanFilter(widget=AllYesNoSelect, method="filter_behind", label=_("Behind schedule"))
    blocked = django_filters.BooleanFilter(widget=AllYesNoSelect, method="filter_blocked", label=_("Has blockers"))
    blocker = django_filters.ChoiceFilter(
        choices=ProblemCategory.choices,
        method="filter_blocker",
        label=_("Blocker in the year"),
        empty_label=_("All projects"),
    )
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))

    class Meta:
        model = Project
        fields = ["category", "stage", "township", "list", "unit", "behind", "blocked", "blocker", "q"]

    def __init__(self, data=None, queryset=None, *, year: int | None = None, **kwargs):
        """``year``: the registry's year, that ``blocker`` looks in (without it, every year)."""
        super().__init__(data, queryset, **kwargs)
        self.year = year

    def get_form_class(self):
        return type("ProjectFilterForm", (BootstrapFormMixin, super().get_form_class()), {})

    def filter_township(self, queryset, name, township):
        return queryset.filter(pk__in=Project.townships.through.objects.filter(township=township).values("project_id"))

    def filter_list(self, queryset, name, value):
        return queryset.filter(listings__list=value)

    def filter_behind(self, queryset, name, value):
        condition = queryset.behind_schedule_q()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_blocked(self, queryset, name, value):
        condition = queryset.has_blockers_q()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_blocker(self, queryset, name, category):
        return queryset.filter(queryset.blocker_q(category, self.year))

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(code__icontains=value)
            | Q(owner_entity__icontains=value)
            | Q(contractor__icontains=value)
        )
