from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core import clock
from core.choices import ProblemCategory
from core.fields import NOTE_LENGTH, TEXT_LENGTH
from core.forms import EMPTY_CHOICE, BootstrapFormMixin, DateInput, MonthField, PhotosField
from core.forms import ReviewForm as BaseReviewForm
from organisation.models import Township, User
from plans.models import Measure

from .choices import FundingSourceKind, MilestonePhase, ProjectList
from .models import Project
from .services import BlockerItem, blocker_item

AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class ProjectForm(BootstrapFormMixin, forms.ModelForm):
    """A project's facts, with its townships, lists, plan measures, funding and the year's planned investment."""

    lists = forms.MultipleChoiceField(
        label=_("Lists"), choices=ProjectList.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    plan_year = forms.IntegerField(label=_("Plan year"), min_value=2000, max_value=2100)
    planned_investment = forms.DecimalField(
        label=_("Planned investment this year (10k yuan)"), required=False, **AMOUNT
    )

    class Meta:
        model = Project
        fields = [
            "name",
            "code",
            "category",
            "stage",
            "townships",
            "length_km",
            "total_investment",
            "owner_entity",
            "contractor",
            "responsible_unit",
            "leader",
            "planned_start",
            "planned_finish",
            "actual_start",
            "actual_finish",
            "measures",
            "description",
        ]
        widgets = {
            "planned_start": DateInput(),
            "planned_finish": DateInput(),
            "actual_start": DateInput(),
            "actual_finish": DateInput(),
            "townships": forms.SelectMultiple(attrs={"size": 8}),
            "measures": forms.SelectMultiple(attrs={"size": 6}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["townships"].queryset = Township.objects.filter(is_active=True)
        self.fields["leader"].queryset = User.objects.filter(role=User.Role.LEADER)
        self.fields["measures"].queryset = Measure.objects.select_related("key_task__plan")
        self.fields["total_investment"].required = True
        for code, label in FundingSourceKind.choices:
            self.fields[f"funding_{code}"] = forms.DecimalField(label=label, required=False, **AMOUNT)
        self.fields["plan_year"].initial = year
        project = self.instance
        if project.pk:
            self.fields["lists"].initial = list(project.listings.values_list("list", flat=True))
            for row in project.funding_sources.all():
                self.fields[f"funding_{row.source}"].initial = row.amount
            plan = project.investment_plans.filter(year=year).first()
            self.fields["planned_investment"].initial = plan.amount if plan else None
        if project.pk and not user.is_administrator:
            for name in ("responsible_unit", "leader", "name"):
                self.fields[name].disabled = True
        for name in ("lists",):
            self.fields[name].widget.attrs.pop("class", None)

    def funding_fields(self):
        return [self[f"funding_{code}"] for code, _label in FundingSourceKind.choices]

    def main_fields(self):
        skip = {"lists", "plan_year", "planned_investment"} | {f"funding_{code}" for code in FundingSourceKind.values}
        return [field for field in self.visible_fields() if field.name not in skip]

    def related(self) -> dict:
        data = self.cleaned_data
        return {
            "townships": list(data["townships"]),
            "measures": list(data["measures"]),
            "lists": data["lists"],
            "funding": {code: data.get(f"funding_{code}") for code in FundingSourceKind.values},
            "plans": {data["plan_year"]: data.get("planned_investment")},
        }

    def facts(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name not in ("townships", "measures")}


class MilestoneForm(BootstrapFormMixin, forms.Form):
    phase = forms.ChoiceField(choices=MilestonePhase.choices, widget=forms.HiddenInput)
    planned_date = forms.DateField(label=_("Planned date"), required=False, widget=DateInput())
    actual_date = forms.DateField(label=_("Actual date"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean_actual_date(self):
        actual = self.cleaned_data.get("actual_date")
        if actual and actual > clock.today():
            raise ValidationError(_("The actual date cannot be in the future."))
        return actual

    def phase_label(self):
        return MilestonePhase(self.initial.get("phase") or self.data.get(self.add_prefix("phase"))).label


MilestoneFormSet = formset_factory(MilestoneForm, extra=0)


class ProgressForm(BootstrapFormMixin, forms.Form):
    month = MonthField(label=_("Month"))
    investment = forms.DecimalField(label=_("Investment completed this month (10k yuan)"), **AMOUNT)
    physical_progress = forms.IntegerField(label=_("Physical progress %"), min_value=0, max_value=100)
    narrative = forms.CharField(
        label=_("Progress this month"), max_length=TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    photos = PhotosField(label=_("Photos"), required=False)
    confirm_over_total = forms.BooleanField(
        label=_("I confirm that the cumulative investment exceeds the project's total investment"), required=False
    )
    over_total_reason = forms.CharField(
        max_length=NOTE_LENGTH,
        label=_("Reason for exceeding the total investment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    #: The confirmation of a cumulative investment above the total: hidden until the figure is over the total
    OVER_TOTAL_FIELDS = ("confirm_over_total", "over_total_reason")

    def __init__(self, *args, month_fixed: bool = False, ask_over_total: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = _("JPEG or PNG pictures; at most %(size)s each.") % {
            "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)
        }
        if month_fixed:
            self.fields["month"].disabled = True
        self._over_total_widgets = {name: self.fields[name].widget for name in self.OVER_TOTAL_FIELDS}
        if not ask_over_total:
            for name in self.OVER_TOTAL_FIELDS:
                self.fields[name].widget = forms.HiddenInput()

    def ask_over_total(self) -> None:
        """Show the confirmation (the service found the figure over the total)."""
        for name, widget in self._over_total_widgets.items():
            self.fields[name].widget = widget

    def clean(self):
        data = super().clean()
        if data.get("confirm_over_total") and not (data.get("over_total_reason") or "").strip():
            self.add_error("over_total_reason", _("Give the reason for exceeding the total investment."))
        return data


class BlockerForm(BootstrapFormMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", EMPTY_CHOICE), *ProblemCategory.choices], required=False
    )
    description = forms.CharField(label=_("Blocker"), max_length=NOTE_LENGTH, required=False)

    def clean(self):
        data = super().clean()
        try:
            blocker_item(category=data.get("category"), description=data.get("description", ""))
        except ValidationError as error:
            self.add_error(None, error)
        return data

    def item(self) -> BlockerItem | None:
        data = getattr(self, "cleaned_data", {})
        return blocker_item(category=data.get("category"), description=data.get("description", ""))


BlockerFormSet = formset_factory(BlockerForm, extra=2, max_num=10)


def blockers_from(formset) -> list[BlockerItem]:
    return [item for form in formset.forms if (item := form.item())]


class ReviewForm(BaseReviewForm):
    missing_reason = _("Give the reason for returning the progress.")
