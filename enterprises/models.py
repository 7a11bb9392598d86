import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import clock
from core.fields import NOTE_LENGTH, BoundedDateField, CappedTextField

from .choices import CreditRating, EnterpriseType, ListStatus, VehicleClass, VehicleStatus
from .querysets import EXPIRY_WARNING_DAYS, EnterpriseQuerySet, VehicleQuerySet
from .validators import validate_credit_code, validate_plate


def _expiry_state(expires_on: datetime.date | None, today: datetime.date | None = None) -> str:
    """``expired``, ``expiring`` (within 30 days), ``valid`` or ``""`` (no date)."""
    if expires_on is None:
        return ""
    today = today or clock.today()
    if expires_on < today:
        return "expired"
    if expires_on <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
        return "expiring"
    return "valid"


class Enterprise(models.Model):
    """A road transport enterprise under the bureau's oversight (运输企业)."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, GB 32100-2015 (统一社会信用代码)."),
    )
    enterprise_type = models.CharField(_("enterprise type"), max_length=20, choices=EnterpriseType.choices)
    licence_number = models.CharField(_("road transport business licence number"), max_length=50, blank=True)
    licence_expires_on = BoundedDateField(_("licence expires on"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    township = models.ForeignKey(
        "organisation.Township",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    credit_rating = models.CharField(_("credit rating"), max_length=3, choices=CreditRating.choices, blank=True)
    list_status = models.CharField(
        _("red/black list status"), max_length=10, choices=ListStatus.choices, default=ListStatus.NONE
    )
    list_reason = CappedTextField(_("listing reason"), max_length=NOTE_LENGTH, blank=True)
    list_start = BoundedDateField(_("listed from"), null=True, blank=True)
    list_end = BoundedDateField(_("listed until"), null=True, blank=True)
    supervising_unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("supervising unit"),
        on_delete=models.PROTECT,
        related_name="supervised_enterprises",
        help_text=_("The bureau unit that oversees this enterprise; its staff may edit it."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("transport enterprise")
        verbose_name_plural = _("transport enterprises")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(list_status=ListStatus.NONE) | (~Q(list_reason="") & Q(list_start__isnull=False)),
                name="%(app_label)s_%(class)s_listing_has_reason_and_start",
                violation_error_message=_("A red or black listing needs a reason and a start date."),
            ),
            models.CheckConstraint(
                condition=Q(list_start__isnull=True)
                | Q(list_end__isnull=True)
                | Q(list_end__gte=models.F("list_start")),
                name="%(app_label)s_%(class)s_listing_end_after_start",
                violation_error_message=_("A listing cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(list_status__in=ListStatus.values), name="%(app_label)s_%(class)s_list_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["name"], name="enterprises_ent_name"),
            models.Index(fields=["enterprise_type", "name"], name="enterprises_ent_type_name"),
            models.Index(fields=["list_status"], name="enterprises_ent_list_status"),
            models.Index(fields=["credit_rating"], name="enterprises_ent_credit_rating"),
            models.Index(fields=["licence_expires_on"], name="enterprises_ent_licence_expiry"),
            models.Index(fields=["updated_at", "id"], name="enterprises_ent_changed"),  # the API's keyset order
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    def clean(self):
        """A red or black listing has its reason and start date, and does not end before it starts (the constraints
        keep it; named here on the fields, at every door)."""
        errors = {}
        if self.list_status != ListStatus.NONE:
            message = _("A red or black listing needs a reason and a start date.")
            if not (self.list_reason or "").strip():
                errors["list_reason"] = message
            if self.list_start is None:
                errors["list_start"] = message
        if self.list_start and self.list_end and self.list_end < self.list_start:
            errors["list_end"] = _("A listing cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_listed(self) -> bool:
        return self.list_status != ListStatus.NONE

    @property
    def licence_state(self) -> str:
        """``expired``, ``expiring`` (within 30 days), ``valid`` or ``""`` when no expiry is recorded."""
        return _expiry_state(self.licence_expires_on)


class Vehicle(models.Model):
    """A vehicle of a transport enterprise; "两客一危" are its scheduled, charter and dangerous-goods classes."""

    plate = models.CharField(
        _("number plate"),
        max_length=10,
        unique=True,
        validators=[validate_plate],
        help_text=_("E.g. 湘A12345, or 湘AD12345 / 湘A12345D for new-energy vehicles."),
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="vehicles"
    )
    vehicle_class = models.CharField(_("vehicle class"), max_length=20, choices=VehicleClass.choices)
    seats = models.PositiveSmallIntegerField(
        _("seats"), null=True, blank=True, validators=[MinValueValidator(1)], help_text=_("For passenger vehicles.")
    )
    tonnage = models.DecimalField(
        _("tonnage (t)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Rated load, for goods vehicles."),
    )
    certificate_number = models.CharField(_("road transport certificate number"), max_length=50, blank=True)
    certificate_expires_on = BoundedDateField(_("certificate expires on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VehicleStatus.choices, default=VehicleStatus.OPERATING
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VehicleQuerySet.as_manager()

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(vehicle_class__in=VehicleClass.passenger())
                | Q(seats__isnull=False, seats__gt=0, tonnage__isnull=True),
                name="%(app_label)s_%(class)s_passenger_has_seats",
                violation_error_message=_("A passenger vehicle needs its number of seats, and no tonnage."),
            ),
            models.CheckConstraint(
                condition=~Q(vehicle_class__in=VehicleClass.goods())
                | Q(tonnage__isnull=False, tonnage__gt=0, seats__isnull=True),
                name="%(app_label)s_%(class)s_goods_has_tonnage",
                violation_error_message=_("A dangerous-goods vehicle needs its tonnage, and no seats."),
            ),
            models.CheckConstraint(
                condition=Q(seats__isnull=True) | Q(tonnage__isnull=True),
                name="%(app_label)s_%(class)s_seats_or_tonnage",
                violation_error_message=_("Give the seats or the tonnage, not both."),
            ),
            models.CheckConstraint(
                condition=Q(tonnage__isnull=True) | Q(tonnage__gt=0), name="%(app_label)s_%(class)s_tonnage_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "plate"], name="enterprises_veh_enterprise"),
            models.Index(fields=["vehicle_class", "status"], name="enterprises_veh_class_status"),
            models.Index(fields=["certificate_expires_on"], name="enterprises_veh_cert_expiry"),
            models.Index(fields=["updated_at", "id"], name="enterprises_veh_changed"),  # the API's keyset order
        ]

    def __str__(self):
        return self.plate

    def get_absolute_url(self):
        return reverse("enterprises:vehicle_detail", args=[self.pk])

    def clean(self):
        """Seats for passenger classes, tonnage for goods: named on the right field (the constraints keep it)."""
        errors = {}
        if self.vehicle_class in VehicleClass.passenger():
            if not self.seats:
                errors["seats"] = _("A passenger vehicle needs its number of seats.")
            if self.tonnage is not None:
                errors["tonnage"] = _("A passenger vehicle has seats, not tonnage.")
        elif self.vehicle_class in VehicleClass.goods():
            if not self.tonnage:
                errors["tonnage"] = _("A dangerous-goods vehicle needs its tonnage.")
            if self.seats is not None:
                errors["seats"] = _("A goods vehicle has tonnage, not seats.")
        elif self.seats is not None and self.tonnage is not None:
            errors["tonnage"] = _("Give the seats or the tonnage, not both.")
        if errors:
            raise ValidationError(errors)

    @property
    def capacity(self) -> str:
        """Seats or tonnage, as shown in lists."""
        if self.seats:
            return _("%(seats)d seats") % {"seats": self.seats}
        if self.tonnage:
            return _("%(tonnage)s t") % {"tonnage": self.tonnage}
        return ""

    @property
    def certificate_state(self) -> str:
        """``expired``, ``expiring`` (within 30 days), ``valid`` or ``""`` when no expiry is recorded."""
        return _expiry_state(self.certificate_expires_on)
