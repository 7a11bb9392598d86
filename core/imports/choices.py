from django.db import models
from django.utils.translation import gettext_lazy as _


class JobPhase(models.TextChoices):
    PREVIEW = "preview", _("Check")
    CONFIRM = "confirm", _("Import")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")

    @classmethod
    def active(cls) -> list[str]:
        return [cls.QUEUED, cls.RUNNING]
