from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from .columns import IGNORE
from .files import check_import_upload


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    """The file to import; checked (size, real content, safe XML, encoding) before anything parses it."""

    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An Excel workbook (.xlsx or Excel 97-2003 .xls), an OpenDocument spreadsheet (.ods) or a CSV file, "
            "at most %(size)s."
        ) % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}
        self.file_format = None
        self.file_data = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.file_format, self.file_data = check_import_upload(upload)
        return upload


class ColumnMappingForm(BootstrapFormMixin, forms.Form):
    """The mapping step: for each column of the file nobody recognised, the field it goes to or "leave out".
    Offers only the fields the file does not name already; a field chosen for two columns is refused."""

    def __init__(self, *args, columns: list[dict], choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        options = [(IGNORE, _("Leave this column out")), *choices]
        for column in columns:
            self.fields[column["name"]] = forms.ChoiceField(
                label=column["label"],
                choices=options,
                required=False,
                help_text=_("For example: %(values)s") % {"values": "、".join(column["sample"])}
                if column["sample"]
                else "",
            )

    def clean(self):
        cleaned = super().clean()
        seen = {}
        for column in self.columns:
            chosen = cleaned.get(column["name"]) or IGNORE
            if chosen and chosen in seen:
                self.add_error(
                    column["name"],
                    _("“%(other)s” already goes to this field; choose another or leave this column out.")
                    % {"other": seen[chosen]},
                )
            seen.setdefault(chosen, column["label"])
        return cleaned

    def chosen(self) -> dict[str, str]:
        """Header key → field name (IGNORE: left out), for ``run_import(mapping=…)``."""
        return {column["key"]: self.cleaned_data.get(column["name"]) or IGNORE for column in self.columns}
