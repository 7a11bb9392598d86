"""Forms of the monitoring app's pages: they only parse (the rules are ``services``')."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, DateInput


class NoticeReplyForm(BootstrapFormMixin, forms.Form):
    reply = forms.CharField(label=_("Enterprise's reply"), widget=forms.Textarea(attrs={"rows": 4}))
    replied_on = forms.DateField(label=_("Replied on"), widget=DateInput())
