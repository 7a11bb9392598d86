"""Reminders: the rules administrators edit, the notifications sent (in-app, and the outbox of the e-mail and
webhook channels), users' channel preferences and units' group-robot webhooks.

At most once per (recipient, item, kind, day): ``Notification``'s unique constraint. The scan inserts with
ON CONFLICT DO NOTHING and delivers only what it inserted, so a retried task, a worker killed mid-batch or two
scans at once never remind twice. E-mail: one ``DigestEmail`` per user and day (unique), sent while its row is
locked; webhook: one ``WebhookDelivery`` per unit and day (unique), likewise.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import registry
from .choices import DeliveryState, DigestKind, ReminderKind, WebhookKind
from .querysets import NotificationQuerySet


def parse_offsets(text: str) -> tuple[int, ...]:
    """``"7, 3, 1, 0"`` → (7, 3, 1, 0): whole days from 0 to 366, each once."""
    try:
        offsets = tuple(int(part) for part in text.replace("，", ",").split(",") if part.strip())
    except ValueError:
        raise ValidationError(_("Give whole numbers of days separated by commas, e.g. 7,3,1,0.")) from None
    if not offsets or any(not 0 <= offset <= 366 for offset in offsets) or len(set(offsets)) != len(offsets):
        raise ValidationError(_("Give whole numbers of days separated by commas, e.g. 7,3,1,0."))
    return tuple(sorted(offsets, reverse=True))


class ReminderRule(models.Model):
    """When one kind of deadline is reminded. One row per deadline source, created with its defaults after
    ``migrate``; a source without a row uses its defaults."""

    source = models.CharField(_("kind of deadline"), max_length=50, unique=True)
    offsets = models.CharField(
        _("days before"), max_length=100, help_text=_("Days before the due date, separated by commas, e.g. 7,3,1,0.")
    )
    overdue_every = models.PositiveSmallIntegerField(
        _("overdue reminder every (working days)"),
        validators=[MaxValueValidator(366)],
        help_text=_("0: no overdue reminders."),
    )
    escalate_after = models.PositiveSmallIntegerField(
        _("escalate after (working days overdue)"),
        validators=[MaxValueValidator(366)],
        help_text=_("The unit head and the overseeing leader are told when an item is overdue longer. 0: never."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["source"]

    def __str__(self):
        found = registry.source(self.source)
        return str(found.label) if found else self.source

    def get_absolute_url(self):
        return reverse("admin:reminders_reminderrule_change", args=[self.pk])

    def clean(self):
        if registry.source(self.source) is None:
            raise ValidationError({"source": _("No such kind of deadline.")})
        self.offsets = ",".join(str(offset) for offset in parse_offsets(self.offsets))


class Notification(models.Model):
    """One reminder to one person: shown in the portal (the bell), and e-mailed in the day's digest unless the
    person opted out of e-mail for this kind of deadline."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    source = models.CharField(_("kind of deadline"), max_length=50)
    item_key = models.CharField(_("item"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    day = models.DateField(_("day"), help_text=_("The day this reminder is for."))
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    url = models.CharField(_("link"), max_length=300)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    settled_at = models.DateTimeField(
        _("settled at"),
        null=True,
        blank=True,
        help_text=_("When the daily scan found its item no longer open (closed, or its date moved later)."),
    )
    email_pending = models.BooleanField(_("e-mail pending"), default=False)
    email = models.ForeignKey(
        "reminders.DigestEmail",
        verbose_name=_("e-mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("workflow event"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        help_text=_("The workflow event told (none: a deadline reminder)."),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source", "item_key", "kind", "day"],
                condition=Q(event__isnull=True),
                name="%(app_label)s_%(class)s_once_a_day",
            ),
            models.UniqueConstraint(
                fields=["recipient", "event"],
                condition=Q(event__isnull=False),
                name="%(app_label)s_%(class)s_once_an_event",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="reminders_notif_recipient_list"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="reminders_notif_unread"),
            models.Index(fields=["recipient"], condition=Q(email_pending=True), name="reminders_notif_email_pending"),
            # The bell's one line per item: the item's latest notification.
            models.Index(fields=["recipient", "source", "item_key", "-day", "-id"], name="reminders_notif_item_latest"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("reminders:notification_open", args=[self.pk])

    @property
    def source_label(self) -> str:
        found = registry.source(self.source)
        return found.label if found else ""

    @property
    def days_left(self) -> int | None:
        """Days from the reminder's day to the due date (negative: overdue)."""
        return None if self.due_date is None else (self.due_date - self.day).days


class Preference(models.Model):
    """A user's choice of channels for one kind of deadline. In-app is always on; without a row, e-mail is on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    source = models.CharField(_("kind of deadline"), max_length=50)
    email = models.BooleanField(_("e-mail"), default=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")
        ordering = ["user", "source"]
        constraints = [
            models.UniqueConstraint(fields=["user", "source"], name="%(app_label)s_%(class)s_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.user} · {self.source}"

    def get_absolute_url(self):
        return reverse("reminders:preferences")


class UnitWebhook(models.Model):
    """A unit's group robot (WeCom or DingTalk): the unit's reminders of the day are posted to it."""

    unit = models.OneToOneField(
        "organisation.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="reminder_webhook"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=WebhookKind.choices, default=WebhookKind.WECOM)
    url = models.URLField(_("robot URL"), max_length=500)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unit webhook")
        verbose_name_plural = _("unit webhooks")
        ordering = ["unit__sort_order", "unit__name"]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("admin:reminders_unitwebhook_change", args=[self.pk])


class DigestEmail(models.Model):
    """The one e-mail a user gets on a day (daily reminders) or for a week (the leadership digest)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DigestKind.choices)
    day = models.DateField(_("day"), help_text=_("The day sent (daily) or the first day of the week (weekly)."))
    state = models.CharField(_("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder e-mail")
        verbose_name_plural = _("reminder e-mails")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "day"], name="%(app_label)s_%(class)s_one_a_day"),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="%(app_label)s_%(class)s_sent_has_time"
            ),
        ]
        indexes = [models.Index(fields=["state", "day"], name="reminders_digest_state_day")]

    def __str__(self):
        return f"{self.recipient} · {self.get_kind_display()} · {self.day:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("admin:reminders_digestemail_change", args=[self.pk])


class WebhookDelivery(models.Model):
    """A message to a unit's group robot, with each failed attempt recorded: the one message of the day's
    reminders (no ``event``), or one per workflow event that the unit's members are told of."""

    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    day = models.DateField(_("day"))
    text = models.TextField(_("message"))
    state = models.CharField(_("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    failures = models.JSONField(_("failures"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("workflow event"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_deliveries",
        help_text=_("The workflow event told (none: the day's reminders)."),
    )

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "day"], condition=Q(event__isnull=True), name="%(app_label)s_%(class)s_one_a_day"
            ),
            models.UniqueConstraint(
                fields=["unit", "event"], condition=Q(event__isnull=False), name="%(app_label)s_%(class)s_once_an_event"
            ),
        ]
        indexes = [
            models.Index(fields=["day"], condition=Q(state="pending"), name="reminders_webhook_pending"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.day:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("admin:reminders_webhookdelivery_change", args=[self.pk])

    @property
    def last_error(self) -> str:
        return self.failures[-1]["error"] if self.failures else ""
