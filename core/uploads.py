"""Checks on uploaded files, made before anything reads them: size, and content that matches the name."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Signatures of the attachment types the bureau sends: office documents, PDFs, pictures, archives.
_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
ATTACHMENT_EXTENSIONS = tuple(sorted(_SIGNATURES))


def check_size(name: str, size: int, limit: int) -> None:
    if size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_big",
        )


def read_head(upload, length: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def check_attachment(upload) -> None:
    """An attachment must be within the size limit and really be the type its name says."""
    check_size(upload.name, upload.size, settings.ATTACHMENT_MAX_BYTES)
    extension = PurePath(upload.name).suffix.lower()
    signatures = _SIGNATURES.get(extension)
    if signatures is None:
        raise ValidationError(
            _("%(name)s: files of this type are not accepted. Accepted: %(types)s.")
            % {"name": upload.name, "types": " ".join(ATTACHMENT_EXTENSIONS)}
        )
    if not read_head(upload).startswith(signatures):
        raise ValidationError(_("%(name)s does not contain what its name says.") % {"name": upload.name})
    if signatures == (b"PK\x03\x04",):
        upload.seek(0)
        if not zipfile.is_zipfile(upload):
            raise ValidationError(_("%(name)s is damaged.") % {"name": upload.name})
        upload.seek(0)
