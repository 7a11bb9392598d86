"""Forms of the checklists pages: they only parse; the services decide."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.fields import NOTE_LENGTH, TEXT_LENGTH
from core.forms import BootstrapFormMixin, MultipleFileField


class ItemFillForm(BootstrapFormMixin, forms.Form):
    value = forms.DecimalField(label=_("Value reached"), max_digits=14, decimal_places=4, required=False)
    self_score = forms.DecimalField(label=_("Self-score"), max_digits=6, decimal_places=2)
    explanation = forms.CharField(
        label=_("Explanation"), max_length=TEXT_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = MultipleFileField(label=_("Evidence files"), required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["self_score"].help_text = _("From 0 to %(marks)s.") % {"marks": item.full_marks}
        self.fields["evidence"].help_text = _("PDF, Word, Excel, pictures or ZIP; at most %(size)s each.") % {
            "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)
        }
        if item.is_computed:
            self.fields["value"].disabled = True
            self.fields["value"].help_text = _("Computed by the portal when the item is saved.")


class CommentForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(BootstrapFormMixin, forms.Form):
    """Adopt a comment (with an optional note) or answer it (with the reason, required by the service)."""

    reason = forms.CharField(
        label=_("Reason or note"), max_length=NOTE_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
