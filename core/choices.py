"""Choices shared by several apps: one home for each."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemCategory(models.TextChoices):
    """What blocks work, as the plan names it: land, funding and environmental constraints, policy."""

    LAND = "land", _("Land")
    FUNDING = "funding", _("Funding")
    ENVIRONMENT = "environment", _("Environmental protection")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")
