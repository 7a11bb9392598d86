from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, DateInput, PhotosField
from organisation.models import Unit, User

from .models import Drill, DutyAssignment, SpecialPeriod


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user} · {user.unit}" if user.unit_id else str(user)


def people():
    return User.objects.filter(is_active=True).select_related("unit").order_by("unit__sort_order", "full_name")


class DutyAssignmentForm(BootstrapFormMixin, forms.ModelForm):
    """One duty on one day. The model's constraints (one duty per person and day, one leader per day) are
    checked by the form's validation as well as by the database."""

    person = PersonChoiceField(queryset=User.objects.none(), label=_("Person"))

    class Meta:
        model = DutyAssignment
        fields = ["date", "role", "person", "phone", "note"]
        widgets = {"date": forms.HiddenInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people()


class SpecialPeriodForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SpecialPeriod
        fields = ["kind", "name", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class DrillForm(BootstrapFormMixin, forms.ModelForm):
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.all(), label=_("Units taking part"), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    photos = PhotosField(label=_("Photos"), help_text=_("JPEG or PNG; several may be chosen."))

    class Meta:
        model = Drill
        fields = ["date", "scenario", "location", "units", "participants", "summary"]
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 5})}


class MonthForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    month = forms.IntegerField(min_value=1, max_value=12)
