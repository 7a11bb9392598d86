"""Reads of the reminders app. A user sees only their own notifications; anybody else's is a 404."""

from django.db import models


class NotificationQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """``view`` and ``change`` (mark read): the recipient only."""
        if not (user.is_authenticated and user.is_active) or action not in ("view", "change"):
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)
