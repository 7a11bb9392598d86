"""Choices shared by several apps: one home for each."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReviewState(models.TextChoices):
    """Where a month's report is in its review (plans' progress reports, projects' monthly progress): written as a
    draft, submitted to the unit head, then accepted or returned to its author."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")

    @classmethod
    def editable(cls) -> tuple[str, ...]:
        """States in which the author's unit may still change the report."""
        return (cls.DRAFT, cls.RETURNED)

    @classmethod
    def counted(cls) -> tuple[str, ...]:
        """States whose figures count (reported to the bureau: submitted or accepted)."""
        return (cls.SUBMITTED, cls.ACCEPTED)


#: The reports out of their authors' hands (submitted, returned, accepted): what readers other than the author's
#: unit and the author see, a provincial token included.
REPORTED = ~Q(state=ReviewState.DRAFT)


class ProblemCategory(models.TextChoices):
    """What blocks work, as the plan names it: land, funding and environmental constraints, policy."""

    LAND = "land", _("Land")
    FUNDING = "funding", _("Funding")
    ENVIRONMENT = "environment", _("Environmental protection")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")
