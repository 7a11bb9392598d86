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
