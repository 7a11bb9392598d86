from django import forms
from django.utils.translation import gettext_lazy as _


class AllYesNoSelect(forms.NullBooleanSelect):
    """A yes/no list filter whose empty choice reads "All" rather than Django's "Unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]


class BootstrapFormMixin:
    """Gives every widget the Bootstrap 5 class its kind needs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.NullBooleanSelect):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ReviewForm(BootstrapFormMixin, forms.Form):
    """The unit head's decision on a month's report (``core.reviews``): accept, or return with a reason.
    A subclass names what is returned in ``missing_reason``, the error when a return has no reason."""

    missing_reason: str

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for return"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", self.missing_reason)
        return data
