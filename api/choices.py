from django.db import models
from django.utils.translation import gettext_lazy as _


class TombstoneReason(models.TextChoices):
    DELETED = "deleted", _("Deleted")
    LEFT_SCOPE = "left_scope", _("Left the scope")
