from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyRole(models.TextChoices):
    LEADER = "leader", _("Leader on duty")
    STAFF = "staff", _("Staff on duty")


class SpecialPeriodKind(models.TextChoices):
    SPRING_TRAVEL = "spring_travel", _("Spring Festival travel rush")
    TWO_FESTIVALS = "two_festivals", _("New Year and Spring Festival")
    TWO_SESSIONS = "two_sessions", _("Two sessions")
    FLOOD_SEASON = "flood_season", _("Flood season")
    OTHER = "other", _("Other")
