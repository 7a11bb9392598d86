"""The outbox of workflow events: one row per event, written by a service in the same transaction as the change it
reports, with the recipients worked out then (from the rules that say who may act on the item at that moment).

Dispatch turns a row into one in-app notification per recipient (``reminders.Notification``, unique per recipient
and event: inserted with ON CONFLICT DO NOTHING) and stamps ``dispatched_at``; the rows are claimed with
``select_for_update(skip_locked=True)``, so a retried task and two sweeps at once never notify twice. A broker that
is down loses nothing: the row waits, undispatched, for the next sweep.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import EventKind


class Event(models.Model):
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    item_key = models.CharField(
        _("item"), max_length=100, help_text=_("The item the event is about, e.g. plans.progressreport:12.")
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=300)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_ids = models.JSONField(_("recipients"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(dispatched_at__isnull=True), name="events_event_pending"),
            # The bell: has a later step of the same item answered an event?
            models.Index(fields=["item_key", "id"], name="events_event_item_steps"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("admin:events_event_change", args=[self.pk])
