from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liuyang_transport.formats.dates import MONTH_INPUT_FORMATS

from .fields import NOTE_LENGTH
from .uploads import ATTACHMENT_EXTENSIONS, PHOTO_EXTENSIONS, check_photo


class DateInput(forms.DateInput):
    """A date typed year first (2020-11-30; also 2020/11/30, 2020年11月30日 …: ``liuyang_transport.formats.dates``),
    in that order whatever the browser's language: a browser's own date picker shows the order of its language
    (11/30/2020 in an English browser), which a bureau's clerk does not write."""

    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {"placeholder": _("yyyy-mm-dd"), "autocomplete": "off", "maxlength": 11, **(attrs or {})}
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    """A month typed year first (2020-04; also 2020/04, 2020年4月 …), as ``DateInput``."""

    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {"placeholder": _("yyyy-mm"), "autocomplete": "off", "maxlength": 10, **(attrs or {})}
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month (2020-04, 2020/04, 2020年4月 …); the first day of that month."""

    widget = MonthInput
    input_formats = MONTH_INPUT_FORMATS

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several attachments at once (a list, empty when none); the services check each file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ATTACHMENT_EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(MultipleFileField, self).clean(item, initial) for item in items]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


def _photos_help() -> str:
    return gettext("JPEG or PNG pictures; at most %(size)s each.") % {
        "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)
    }


_photos_help = lazy(_photos_help, str)  # in the language of the request, not of the import


class PhotosField(MultipleFileField):
    """Several JPEG or PNG photos, each checked (size, real content) as the form is cleaned."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(PHOTO_EXTENSIONS)}))
        kwargs.setdefault("help_text", _photos_help())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = super().clean(data, initial)
        for upload in files:
            check_photo(upload)
        return files


class OnDemandSelect(forms.Select):
    """A list filter's select of rows that grow with the data (units, key tasks): the page carries only the empty
    choice and the chosen one, and the other options are loaded (htmx, ``core.views.filter_options``) when the
    select is first pointed at or focused — a page of the same size whatever the number of rows.

    ``url``: the view answering with the options (it gets the form's other fields, ``include``, and the chosen
    value); ``reload_on``: a CSS selector of fields whose change loads the options again (the year of key tasks)."""

    def __init__(self, *, url, include: str = "closest form", reload_on: str | None = None, attrs=None):
        super().__init__(attrs)
        self.url, self.include, self.reload_on = url, include, reload_on

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        trigger = "mouseenter once, focus once" + (f", change from:{self.reload_on}" if self.reload_on else "")
        context["widget"]["attrs"].update(
            {"hx-get": str(self.url), "hx-trigger": trigger, "hx-include": self.include, "hx-swap": "innerHTML"}
        )
        return context

    def optgroups(self, name, value, attrs=None):
        """The empty choice and the chosen row only (one query for the chosen row, none without)."""
        field = self.choices.field
        chosen = [item for item in value if item]
        try:
            rows = list(field.queryset.filter(pk__in=chosen)) if chosen else []
        except (ValueError, TypeError, ValidationError):  # not a key: the form says so, the select shows none
            rows = []
        choices = [("", field.empty_label)] if field.empty_label is not None else []
        choices += [(field.prepare_value(row), field.label_from_instance(row)) for row in rows]
        return [
            (None, [self.create_option(name, key, label, str(key) in value, index)], index)
            for index, (key, label) in enumerate(choices)
        ]


class AllYesNoSelect(forms.NullBooleanSelect):
    """A yes/no list filter whose empty choice reads "All" rather than Django's "Unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]


#: What a select offers before anything is chosen (Django's is "---------")
EMPTY_CHOICE = _("Please choose")


def _name_the_empty_choice(field) -> None:
    """A select's empty choice reads ``EMPTY_CHOICE`` rather than Django's dashes."""
    if getattr(field, "empty_label", None) == "---------":
        field.empty_label = EMPTY_CHOICE
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = list(field.choices)
        if choices and choices[0] == ("", "---------"):
            field.choices = [("", EMPTY_CHOICE), *choices[1:]]


class _Searchable:
    """A select that can be searched by typing (``static/js/searchable-select.js``, Tom Select vendored locally)."""

    class Media:
        css = {"all": ["vendor/tom-select/tom-select.bootstrap5.min.css"]}
        js = ["vendor/tom-select/tom-select.complete.min.js", "js/searchable-select.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update({"data-searchable": "", "data-no-results": gettext("Nothing matches.")})
        return context


class SearchableSelect(_Searchable, forms.Select):
    """A long list to choose one from (a plate among a county's vehicles)."""


class SearchableSelectMultiple(_Searchable, forms.SelectMultiple):
    """A long list to choose several from (the enterprises an inspection visited)."""


class BootstrapFormMixin:
    """Gives every widget the Bootstrap 5 class its kind needs, and every select's empty choice a name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _name_the_empty_choice(field)
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
    reason = forms.CharField(
        label=_("Reason for return"), max_length=NOTE_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", self.missing_reason)
        return data
