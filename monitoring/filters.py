"""The alarm list's filters: a plain form whose choices are what the user may see."""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from enterprises.models import Enterprise

from .choices import AlarmType, HandlingStatus
from .querysets import visible_enterprises

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str | None) -> datetime.date | None:
    """``2020-11`` → 2020-11-01; None for anything else."""
    match = _MONTH.match(value or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


class MonthField(forms.CharField):
    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(_("Write the month as 2020-11."))
        return month


class AlarmFilterForm(BootstrapFormMixin, forms.Form):
    month = MonthField(label=_("Month"), required=False, widget=forms.TextInput(attrs={"placeholder": "2020-11"}))
    enterprise = forms.ModelChoiceField(
        queryset=Enterprise.objects.none(), label=_("Enterprise"), required=False, empty_label=_("All enterprises")
    )
    alarm_type = forms.ChoiceField(
        choices=[("", _("All alarm types")), *AlarmType.choices], label=_("Alarm type"), required=False
    )
    handling_status = forms.ChoiceField(
        choices=[("", _("Any handling status")), *HandlingStatus.choices], label=_("Handling status"), required=False
    )
    vehicle = forms.IntegerField(widget=forms.HiddenInput, required=False)
    driver = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = visible_enterprises(user).order_by("name", "pk")
