"""Forms of the safety app. ``HazardForm`` is the registration form, also used by the inspections app to register
a hazard from a finding: ``HazardForm(initial={...})`` pre-fills it, and on a valid POST
``services.hazard_register(user=..., photos=form.cleaned_data["photos"], **form.hazard_fields())`` saves it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock
from core.fields import NOTE_LENGTH
from core.forms import BootstrapFormMixin, DateInput, PhotosField, SearchableSelect
from organisation.models import Township

from .models import Hazard
from .services import REGISTER_FIELDS


class HazardForm(BootstrapFormMixin, forms.ModelForm):
    """Register a hazard (or edit its register data and five fixes). Accepts ``initial=`` for pre-filled fields
    (source, location, township, enterprise, project, vehicle, description, found_on, …)."""

    photos = PhotosField(label=_("Photos as found"))

    class Meta:
        model = Hazard
        fields = list(REGISTER_FIELDS)
        widgets = {
            "found_on": DateInput(),
            "deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "contingency_plan": forms.Textarea(attrs={"rows": 3}),
            "enterprise": SearchableSelect(),
            "project": SearchableSelect(),
            "vehicle": SearchableSelect(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.filter(is_active=True)
        self.fields["funds"].widget.attrs["min"] = "0"
        self.fields["vehicle"].queryset = self.fields["vehicle"].queryset.order_by("plate")
        if not self.instance.pk and not self.initial.get("found_on"):
            self.initial["found_on"] = clock.today()

    def _post_clean(self):
        # The form only parses: the service checks the rules and validates the model (with its code assigned).
        pass

    FIVE_FIXES = ("responsible_unit", "responsible_person", "measures", "funds", "deadline", "contingency_plan")

    def about_fields(self):
        """The bound fields about the hazard itself (the form's left column)."""
        return [self[name] for name in self.fields if name not in self.FIVE_FIXES]

    def five_fixes_fields(self):
        """The bound fields of the five fixes (五定)."""
        return [self[name] for name in self.FIVE_FIXES]

    def hazard_fields(self) -> dict:
        """The cleaned register data, as ``services.hazard_register``/``hazard_update`` take it."""
        return {name: self.cleaned_data[name] for name in REGISTER_FIELDS if name in self.cleaned_data}


class StartForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=NOTE_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Rectification done"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("Rectification photos"))


class SignOffForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Sign-off note"), max_length=NOTE_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DowngradeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for downgrading"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class VerifyForm(BootstrapFormMixin, forms.Form):
    DECISIONS = [("pass", _("Passed: close the hazard")), ("fail", _("Failed: back to rectification"))]

    decision = forms.ChoiceField(label=_("Result"), choices=DECISIONS)
    note = forms.CharField(
        label=_("Verification note / reason"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("Verification photos"))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "pass" and not data.get("photos"):
            self.add_error("photos", _("Closing a hazard needs at least one verification photo."))
        return data
