"""Writes of the api app: administrators issue and revoke the clients' tokens (through the admin site)."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import set_actor

from .models import ApiClient, ApiToken, token_hash
from .resources import RESOURCES

TOKEN_PREFIX = "lyt_"


def _require_administrator(user) -> None:
    if not (user.is_active and user.is_administrator):
        raise PermissionDenied(_("Only administrators manage API tokens."))


def api_token_issue(
    *,
    user,
    client: ApiClient,
    resources: list[str],
    can_write: bool = False,
    acting_user=None,
    expires_at: datetime.datetime | None = None,
    rate: str = "",
) -> tuple[ApiToken, str]:
    """Create a token for ``client``; return it and the plain token, which is shown once and never stored."""
    _require_administrator(user)
    unknown = set(resources) - set(RESOURCES)
    if unknown:
        raise ValidationError({"resources": _("Unknown resources: %(names)s") % {"names": ", ".join(sorted(unknown))}})
    if not resources:
        raise ValidationError({"resources": _("Choose at least one resource.")})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        client=client,
        key_hash=token_hash(plain),
        prefix=plain[:12],
        resources=[name for name in RESOURCES if name in resources],
        can_write=can_write,
        user=acting_user,
        expires_at=expires_at,
        rate=rate,
        created_by=user,
    )
    with set_actor(user), transaction.atomic():
        token.full_clean()
        token.save()
    return token, plain


def api_token_revoke(*, user, token: ApiToken) -> ApiToken:
    """Revoke a token now; it is refused from the next request on."""
    _require_administrator(user)
    with set_actor(user), transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def api_token_mark_used(token: ApiToken, now: datetime.datetime | None = None) -> None:
    """Record the token's use, at most once a minute (no write for most requests)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
