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

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from .files import STORAGE_DIR

MAX_AGE = datetime.timedelta(hours=1)
_SUFFIX = ".checked"


def fingerprint(*, user, resource, data: bytes, mapping: dict | None) -> str:
    """What a kept check is for: the user, the resource class, the file's bytes and the columns' mapping."""
    digest = hashlib.sha256(data)
    digest.update(repr((user.pk, f"{type(resource).__module__}.{type(resource).__qualname__}")).encode())
    digest.update(repr(sorted((mapping or {}).items())).encode())
    return digest.hexdigest()


def _sign(blob: bytes) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), blob, hashlib.sha256).digest()


def dump(payload: dict) -> bytes:
    blob = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    return _sign(blob) + blob


def load(kept: bytes | None) -> dict | None:
    """The payload of ``dump``, or None if it is missing or its signature does not hold (never unpickled)."""
    if not kept or len(kept) < 32:
        return None
    signature, blob = kept[:32], kept[32:]
    if not hmac.compare_digest(signature, _sign(blob)):
        return None
    return pickle.loads(blob)  # noqa: S301 - signed by this server with its secret key just above


def path_for(stored_file: str) -> str:
    """Where the kept check of a stored import file lives (beside it; purged with it)."""
    return f"{STORAGE_DIR}/{stored_file.rsplit('/', 1)[-1]}{_SUFFIX}"


def store(stored_file: str, kept: bytes) -> None:
    path = path_for(stored_file)
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(kept))


def fetch(stored_file: str | None) -> bytes | None:
    if not stored_file:
        return None
    path = path_for(stored_file)
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as kept:
        return kept.read()


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
