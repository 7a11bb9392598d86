from django.db import models
from django.utils.translation import gettext_lazy as _


class ChecklistKind(models.TextChoices):
    INCENTIVE = "incentive", _("Supervision incentive indicators")
    ACCEPTANCE = "acceptance", _("Acceptance standard")


class DataSource(models.TextChoices):
    COMPUTED = "computed", _("Computed by the portal")
    ENTERED = "entered", _("Entered by the lead unit")


class CommentState(models.TextChoices):
    OPEN = "open", _("Awaiting the lead unit")
    ADOPTED = "adopted", _("Adopted")
    ANSWERED = "answered", _("Answered")
