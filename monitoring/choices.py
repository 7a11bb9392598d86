from django.db import models
from django.utils.translation import gettext_lazy as _


class DriverStatus(models.TextChoices):
    ACTIVE = "active", _("Employed")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left the enterprise")


class QualificationClass(models.TextChoices):
    PASSENGER = "passenger", _("Road passenger transport driver")
    DANGEROUS_GOODS = "dangerous_goods", _("Road dangerous goods transport driver")
    ESCORT = "escort", _("Dangerous goods escort")
    OTHER = "other", _("Other")


class AlarmType(models.TextChoices):
    """The alarms of the smart monitoring platform (active safety, 主动安全) and of 联网联控."""

    FATIGUE = "fatigue", _("Fatigue")
    PHONE = "phone", _("Hand-held phone use")
    SMOKING = "smoking", _("Smoking")
    SEAT_BELT = "seat_belt", _("Seat belt not fastened")
    DISTRACTION = "distraction", _("Not looking ahead")
    OVERLOADING = "overloading", _("Too many passengers")
    DRIVER_IDENTITY = "driver_identity", _("Driver identity check")
    ESCORT_IDENTITY = "escort_identity", _("Escort identity check")
    OUT_OF_MONITORING = "out_of_monitoring", _("Out of monitoring")
    SPEEDING = "speeding", _("Speeding")
    OVERTIME = "overtime", _("Driving too long")
    NIGHT_RUNNING = "night_running", _("Prohibited night running")
    OTHER = "other", _("Other")


class HandlingStatus(models.TextChoices):
    PENDING = "pending", _("Not handled")
    HANDLED = "handled", _("Handled")
    APPEALED = "appealed", _("Appealed")
