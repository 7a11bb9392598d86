"""The portal's one "today": every page, service, export and task asks here, never ``date.today()``."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    """Today in Asia/Shanghai (``settings.TIME_ZONE``)."""
    return timezone.localdate()
