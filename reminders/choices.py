from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    """What a notification says about its item."""

    UPCOMING = "upcoming", _("Due soon")
    DUE = "due", _("Due")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Escalated")
    NOTICE = "notice", _("Notice")
    EVENT = "event", _("Workflow event")


class DeliveryState(models.TextChoices):
    """Where an e-mail or a webhook message is: waiting to be sent, sent, or given up after its retries."""

    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class DigestKind(models.TextChoices):
    DAILY = "daily", _("Daily reminders")
    WEEKLY = "weekly", _("Weekly leadership digest")


class WebhookKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
