from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseType(models.TextChoices):
    PASSENGER = "passenger", _("Passenger transport")
    FREIGHT = "freight", _("Freight transport")
    DANGEROUS_GOODS = "dangerous_goods", _("Dangerous goods transport")
    BUS = "bus", _("Public bus")
    TAXI = "taxi", _("Taxi")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing platform")
    DRIVER_TRAINING = "driver_training", _("Driver training")
    REPAIR = "repair", _("Vehicle repair")
    OTHER = "other", _("Other")


class CreditRating(models.TextChoices):
    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    B = "B", "B"


class ListStatus(models.TextChoices):
    NONE = "none", _("Not listed")
    RED = "red", _("Red list")
    BLACK = "black", _("Black list")


class VehicleClass(models.TextChoices):
    SCHEDULED_BUS = "scheduled_bus", _("Scheduled passenger bus")
    CHARTER_BUS = "charter_bus", _("Tour / charter bus")
    DANGEROUS_GOODS = "dangerous_goods", _("Dangerous goods vehicle")
    OTHER = "other", _("Other")

    @classmethod
    def passenger(cls) -> tuple[str, ...]:
        """Classes measured in seats; the others carry goods and are measured in tonnes."""
        return (cls.SCHEDULED_BUS, cls.CHARTER_BUS)

    @classmethod
    def goods(cls) -> tuple[str, ...]:
        return (cls.DANGEROUS_GOODS,)


class VehicleStatus(models.TextChoices):
    OPERATING = "operating", _("In operation")
    SUSPENDED = "suspended", _("Suspended")
    SCRAPPED = "scrapped", _("Scrapped")
    TRANSFERRED = "transferred", _("Transferred")
