from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SPECIAL = "special", _("Special campaign")
    UNANNOUNCED = "unannounced", _("Unannounced (four noes, two directs)")
    RANDOM = "random", _("Random draw (double random)")
