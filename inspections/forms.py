from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import NOTE_LENGTH, TEXT_LENGTH
from core.forms import BootstrapFormMixin, DateInput, SearchableSelectMultiple
from organisation.models import Township, Unit, User

from .choices import InspectionKind
from .models import Inspection


class InspectionForm(BootstrapFormMixin, forms.ModelForm):
    """An inspection typed by hand: every kind but 双随机, which comes from a draw."""

    lead_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Lead unit"), required=False)

    class Meta:
        model = Inspection
        fields = ["kind", "date", "lead_unit", "inspectors", "enterprises", "projects", "summary"]
        widgets = {
            "date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "inspectors": SearchableSelectMultiple(),
            "enterprises": SearchableSelectMultiple(),
            "projects": SearchableSelectMultiple(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from enterprises.models import Enterprise
        from projects.models import Project

        drawn = self.instance.pk is not None and self.instance.draw_id is not None
        if not drawn:
            self.fields["kind"].choices = [c for c in InspectionKind.choices if c[0] != InspectionKind.RANDOM]
        self.fields["inspectors"].queryset = User.objects.filter(is_active=True).select_related("unit")
        self.fields["inspectors"].label_from_instance = lambda u: f"{u} · {u.unit}" if u.unit_id else str(u)
        self.fields["enterprises"].queryset = Enterprise.objects.order_by("name")
        self.fields["projects"].queryset = Project.objects.order_by("name")
        if user.is_administrator and self.instance.pk is None:
            self.fields["lead_unit"].queryset = Unit.objects.enforcing_law()
            self.fields["lead_unit"].required = True
        else:
            del self.fields["lead_unit"]
        if drawn:
            for name in ("kind", "inspectors", "enterprises"):
                self.fields[name].disabled = True


class FindingForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Finding"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))
    enterprise = forms.ModelChoiceField(queryset=None, label=_("Enterprise"), required=False)
    project = forms.ModelChoiceField(queryset=None, label=_("Project"), required=False)

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = inspection.enterprises.all()
        self.fields["project"].queryset = inspection.projects.all()

    def clean(self):
        data = super().clean()
        if data.get("enterprise") and data.get("project"):
            raise forms.ValidationError(_("A finding concerns an enterprise or a project, not both."))
        return data


class DrawForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("e.g. 2020年第二季度道路运输企业双随机抽查"))
    lead_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Lead unit"), required=False)
    enterprise_type = forms.ChoiceField(label=_("Enterprise type"), required=False)
    township = forms.ModelChoiceField(
        queryset=Township.objects.filter(is_active=True), label=_("Township"), required=False, empty_label=_("All")
    )
    enterprise_count = forms.IntegerField(label=_("Enterprises to draw (N)"), min_value=1, max_value=500)
    inspectors_per_enterprise = forms.IntegerField(
        label=_("Inspectors per enterprise (M)"), min_value=2, max_value=20, initial=2
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from enterprises.choices import EnterpriseType

        self.fields["enterprise_type"].choices = [("", _("All types")), *EnterpriseType.choices]
        if user.is_administrator:
            self.fields["lead_unit"].queryset = Unit.objects.enforcing_law()
            self.fields["lead_unit"].required = True
        else:
            del self.fields["lead_unit"]


class DrawToInspectionsForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Inspection date"), widget=DateInput())
    summary = forms.CharField(
        label=_("Summary"), max_length=TEXT_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
