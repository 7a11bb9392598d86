"""A preview's checked rows, kept for its confirmation, so that a file is read and checked once (fast path only).

The preview (a dry run on ``core.imports.bulk``) has read the file and put every row through the resource's
steps and the services' rules; what it would write (the checked instances, their links, the counts) is kept
next to the stored file, signed with the secret key. The confirmation writes exactly that, after checking that
nothing it relied on has moved: the same user, file and column mapping, not older than ``MAX_AGE``, the user
may still import, and every row it updates is still the user's to change and unchanged since the preview
(``updated_at``). Otherwise — or if the kept check is missing or damaged — the confirmation reads and checks the
file again, as it always did. The database's own constraints are checked again by the write itself.
"""

import datetime
import hashlib
import hmac
import pickle
import tempfile

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils import timezone

from .files import STORAGE_DIR

MAX_AGE = datetime.timedelta(hours=1)
_SUFFIX = ".checked"


#: The form of the kept rows (``core.imports.bulk._Pending``); a check kept in another form (by the version
#: before a deploy) does not hold, and the file is checked again.
FORMAT = 2


def fingerprint(*, user, resource, data: bytes, mapping: dict | None) -> str:
    """What a kept check is for: the user, the resource class, the file's bytes and the columns' mapping (and
    the form the rows are kept in)."""
    digest = hashlib.sha256(data)
    digest.update(f"format {FORMAT}".encode())
    digest.update(repr((user.pk, f"{type(resource).__module__}.{type(resource).__qualname__}")).encode())
    digest.update(repr(sorted((mapping or {}).items())).encode())
    return digest.hexdigest()


#: Checked rows pickled together: the pickler's memo (which grows with what it pickles) is one chunk's.
CHUNK_ROWS = 2000
_SIGNATURE = hashlib.sha256().digest_size


def dump(payload: dict):
    """``payload`` ({"pending": [...], and small values}) signed with the secret key, in a temporary file (on
    disk, not in memory: a 100,000-row check is tens of MiB), its rows pickled a chunk at a time."""
    pending = payload["pending"]
    header = {key: value for key, value in payload.items() if key != "pending"}
    stream = tempfile.TemporaryFile()
    stream.write(bytes(_SIGNATURE))  # the signature's place, written last
    signer = hmac.new(settings.SECRET_KEY.encode(), digestmod=hashlib.sha256)
    for part in [header, *(pending[start : start + CHUNK_ROWS] for start in range(0, len(pending), CHUNK_ROWS))]:
        blob = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
        signer.update(blob)
        stream.write(blob)
    stream.seek(0)
    stream.write(signer.digest())
    stream.seek(0)
    return stream


def load(kept) -> dict | None:
    """The payload of ``dump`` from the binary file ``kept``, or None if it is missing or its signature does not
    hold (then nothing is unpickled)."""
    if kept is None:
        return None
    kept.seek(0)
    signature = kept.read(_SIGNATURE)
    signer = hmac.new(settings.SECRET_KEY.encode(), digestmod=hashlib.sha256)
    while block := kept.read(1 << 20):
        signer.update(block)
    if len(signature) < _SIGNATURE or not hmac.compare_digest(signature, signer.digest()):
        return None
    kept.seek(_SIGNATURE)
    payload = pickle.load(kept)  # noqa: S301 - signed by this server with its secret key just above
    payload["pending"] = []
    while True:
        try:
            payload["pending"].extend(pickle.load(kept))  # noqa: S301 - as above
        except EOFError:
            return payload


def size(kept) -> int:
    """The size of a kept check, in bytes."""
    kept.seek(0, 2)
    return kept.tell()


def path_for(stored_file: str) -> str:
    """Where the kept check of a stored import file lives (beside it; purged with it)."""
    return f"{STORAGE_DIR}/{stored_file.rsplit('/', 1)[-1]}{_SUFFIX}"


def store(stored_file: str, kept) -> None:
    """Keep the check ``kept`` (from ``dump``) beside the stored import file, and close it."""
    path = path_for(stored_file)
    if default_storage.exists(path):
        default_storage.delete(path)
    kept.seek(0)
    with kept:
        default_storage.save(path, File(kept))


def fetch(stored_file: str | None):
    """The check kept beside a stored import file, as an open binary file (the caller closes it), or None."""
    if not stored_file:
        return None
    path = path_for(stored_file)
    if not default_storage.exists(path):
        return None
    return default_storage.open(path, "rb")


def discard(stored_file: str | None) -> None:
    if stored_file and default_storage.exists(path_for(stored_file)):
        default_storage.delete(path_for(stored_file))


def still_holds(payload: dict, *, resource, user, fingerprint_now: str) -> bool:
    """Whether a confirmation may write ``payload`` without checking the file again (see the module)."""
    if payload.get("fingerprint") != fingerprint_now:
        return False
    checked_at = payload["checked_at"]
    if timezone.now() - checked_at > MAX_AGE:
        return False
    may_import = getattr(type(resource), "may_import", None)
    if may_import is not None and not may_import(user):
        return False
    model = resource._meta.model
    updated = {item.instance.pk for item in payload["pending"] if item.original is not None}
    if updated:
        if model._default_manager.restrict(user, "change").filter(pk__in=updated).count() != len(updated):
            return False
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            if model._default_manager.filter(pk__in=updated, updated_at__gt=checked_at).exists():
                return False
    return True
