from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from .files import check_import_upload


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    """The file to import; checked (size, real content, safe XML, encoding) before anything parses it."""

    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("An Excel workbook (.xlsx) or a CSV file, at most %(size)s.") % {
            "size": filesizeformat(settings.IMPORT_MAX_BYTES)
        }
        self.file_format = None
        self.file_data = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.file_format, self.file_data = check_import_upload(upload)
        return upload
