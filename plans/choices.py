from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    LAGGING = "lagging", _("Lagging")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def closed(cls) -> tuple[str, ...]:
        """Statuses that end a measure: it can no longer be overdue."""
        return (cls.COMPLETED, cls.CANCELLED)

    @classmethod
    def open(cls) -> tuple[str, ...]:
        return tuple(status for status in cls.values if status not in cls.closed())


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")

    @classmethod
    def editable(cls) -> tuple[str, ...]:
        """States in which the author's unit may still change a report."""
        return (cls.DRAFT, cls.RETURNED)
