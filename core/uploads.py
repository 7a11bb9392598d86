"""Checks on uploaded files, made before anything reads them: size, and content that matches the name; saving an
upload as a ``core.models.StoredFile`` under a generated name and serving it back under its original one."""

import re
import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import clock

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


PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png")


def check_photo(upload) -> None:
    """A photo: a JPEG or PNG picture that passes the attachment checks (size, real content)."""
    if PurePath(upload.name).suffix.lower() not in PHOTO_EXTENSIONS:
        raise ValidationError(
            _("%(name)s is not a photo; accepted: %(types)s.")
            % {"name": upload.name, "types": " ".join(PHOTO_EXTENSIONS)}
        )
    check_attachment(upload)


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


_PLAIN_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")


def generated_name(folder: str, filename: str) -> str:
    """Where an upload is stored: ``folder/YYYY/MM/<random>.ext``, never under the name it came with (a long Chinese
    name is past the file system's 255 bytes; the original is kept in ``StoredFile.original_name``). The extension is
    kept, in lower case, when it is a plain one."""
    extension = PurePath(filename).suffix.lower()
    if not _PLAIN_EXTENSION.fullmatch(extension):
        extension = ""
    return f"{folder}/{clock.today():%Y/%m}/{uuid.uuid4().hex}{extension}"


def stored_file_create(*, model: type, upload, user, **fields):
    """Save ``upload`` (already checked) as a new ``model`` (a ``StoredFile``) with its parent and other ``fields``,
    keeping its name (cut to 255 characters) and size; the file itself is stored under a generated name (the
    model's ``upload_to`` calls ``generated_name``)."""
    stored = model(file=upload, original_name=upload.name[:255], size=upload.size, uploaded_by=user, **fields)
    stored.full_clean()
    stored.save()
    return stored


def stored_file_response(stored, *, as_attachment: bool = False) -> FileResponse:
    """A ``StoredFile`` served under its original name (``filename*``, RFC 5987, for a non-ASCII one): shown in the
    browser, or downloaded if ``as_attachment``; its type guessed from that name."""
    response = FileResponse(stored.file.open("rb"), as_attachment=as_attachment, filename=stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
