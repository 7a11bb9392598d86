from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import NOTE_LENGTH
from core.forms import BootstrapFormMixin, DateInput
from organisation.models import Unit

from .choices import ListStatus
from .models import Enterprise, Vehicle
from .services import ENTERPRISE_FIELDS, VEHICLE_FIELDS
from .validators import normalise_credit_code, normalise_plate


class EnterpriseForm(BootstrapFormMixin, forms.ModelForm):
    """An enterprise's facts. A unit member registers for, and keeps, their own unit; administrators choose."""

    class Meta:
        model = Enterprise
        fields = list(ENTERPRISE_FIELDS)
        widgets = {"licence_expires_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["supervising_unit"]
        if not user.is_administrator:
            own = self.instance.supervising_unit_id if self.instance.pk else user.unit_id
            field.queryset = Unit.objects.filter(pk=own)
            field.initial = own
            field.disabled = True
        self.fields["credit_rating"].choices = [("", _("Not rated")), *self.fields["credit_rating"].choices[1:]]

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data["credit_code"])


class ListingForm(BootstrapFormMixin, forms.Form):
    """Put an enterprise on the red or the black list."""

    status = forms.ChoiceField(
        label=_("List"), choices=[(ListStatus.RED, ListStatus.RED.label), (ListStatus.BLACK, ListStatus.BLACK.label)]
    )
    reason = forms.CharField(
        label=_("Listing reason"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    start = forms.DateField(label=_("Listed from"), widget=DateInput())
    end = forms.DateField(label=_("Listed until"), required=False, widget=DateInput())


class VehicleForm(BootstrapFormMixin, forms.ModelForm):
    """A vehicle; its enterprise is one the user may change."""

    class Meta:
        model = Vehicle
        fields = list(VEHICLE_FIELDS)
        widgets = {"certificate_expires_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "change").only("pk", "name")

    def clean_plate(self):
        return normalise_plate(self.cleaned_data["plate"])
