"""The API's own records: the clients (other systems, e.g. the provincial department) with their tokens, and the
tombstones of deleted objects that let a client keep an exact mirror with incremental pulls.

A token is stored only as its SHA-256 hash; the plain token is shown once, when an administrator creates it
(``api.services.api_token_issue``). A token reads everything of the resources in its scope (the county's data),
and writes only when it was granted writing and is tied to a user, whose rights then apply (the same services and
refusals as the pages)."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import NOTE_LENGTH, CappedTextField

from .choices import TombstoneReason
from .rates import validate_rate


def token_hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


class ApiClient(models.Model):
    """A system that reads the portal through the API (省交通运输厅, 市局, another bureau's platform)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True, help_text=_("Who to call about it."))
    note = CappedTextField(_("note"), max_length=NOTE_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:api_apiclient_change", args=[self.pk])


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        """Neither revoked nor expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A client's token: its scope (the resources it reads; writing only if granted), its expiry and last use."""

    client = models.ForeignKey(ApiClient, verbose_name=_("client"), on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("token prefix"), max_length=12, editable=False, help_text=_("The first characters, to recognise it.")
    )
    resources = models.JSONField(_("resources"), default=list, help_text=_("The resources this token may read."))
    can_write = models.BooleanField(
        _("may write"),
        default=False,
        help_text=_(
            "Submit progress reports and report rectifications in its resources, as its user: that user's rights "
            "apply. Read-only when cleared."
        ),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acting user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_tokens",
        help_text=_("Writes are made as this user, with their rights. Needed for writing."),
    )
    rate = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        validators=[validate_rate],
        help_text=_("Requests allowed, e.g. 600/min or 20000/hour; empty: the default (API_TOKEN_RATE)."),
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["client", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(can_write=False) | Q(user__isnull=False),
                name="%(app_label)s_%(class)s_writer_has_user",
                violation_error_message=_("A token that may write needs the user it acts as."),
            ),
        ]

    def __str__(self):
        return f"{self.client} · {self.prefix}…"

    def get_absolute_url(self):
        return reverse("admin:api_apitoken_change", args=[self.pk])

    def clean(self):
        if self._state.adding and self.expires_at is not None and self.expires_at <= timezone.now():
            raise ValidationError({"expires_at": _("The expiry is in the past: the token would never work.")})

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def allows(self, resource: str) -> bool:
        return resource in self.resources


class DeletionQuerySet(models.QuerySet):
    def of(self, resources):
        return self.filter(resource__in=list(resources))


class Deletion(models.Model):
    """A tombstone: an object of an API resource was deleted, or left what a token reads (a monthly progress
    moved back to draft), recorded by ``api.signals``. One that comes back into view loses its tombstone."""

    resource = models.CharField(_("resource"), max_length=40)
    object_id = models.BigIntegerField(_("object id"))
    reason = models.CharField(
        _("reason"), max_length=20, choices=TombstoneReason.choices, default=TombstoneReason.DELETED
    )
    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now)

    objects = DeletionQuerySet.as_manager()

    class Meta:
        verbose_name = _("deletion")
        verbose_name_plural = _("deletions")
        ordering = ["deleted_at", "id"]
        indexes = [models.Index(fields=["deleted_at", "id"], name="api_deletion_order")]

    def __str__(self):
        return f"{self.resource} #{self.object_id}"

    def get_absolute_url(self):
        return reverse("api:deletion-list") + f"?resource={self.resource}"
