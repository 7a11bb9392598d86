"""Drivers, the monitoring platform's alarms and vehicle-day mileage, and the daily rollup the figures read.

Times are stored in UTC (``USE_TZ``); a day is a day in Asia/Shanghai (``settings.TIME_ZONE``). The rollup holds,
per vehicle, driver and day, the kilometres and the alarms (by type, handled, handled within the time limit): it is
rebuilt by ``services.rollup_rebuild`` whenever alarms or mileage are imported, and nothing else writes it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateField

from .choices import AlarmType, DriverStatus, HandlingStatus, QualificationClass
from .querysets import (
    AlarmQuerySet,
    DriverQuerySet,
    MileageQuerySet,
    RollupQuerySet,
    SupervisionNoticeQuerySet,
)
from .validators import validate_id_number


class Driver(models.Model):
    """A driver (or escort) of a transport enterprise, with the qualification certificate (从业资格证)."""

    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(
        _("ID number"),
        max_length=18,
        unique=True,
        validators=[validate_id_number],
        help_text=_("18 characters, GB 11643 (公民身份号码)."),
    )
    certificate_number = models.CharField(_("qualification certificate number"), max_length=50, blank=True)
    qualification_class = models.CharField(_("qualification class"), max_length=20, choices=QualificationClass.choices)
    qualification_expires_on = BoundedDateField(_("qualification expires on"), null=True, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="drivers"
    )
    status = models.CharField(_("status"), max_length=20, choices=DriverStatus.choices, default=DriverStatus.ACTIVE)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DriverQuerySet.as_manager()

    class Meta:
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DriverStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(qualification_class__in=QualificationClass.values),
                name="%(app_label)s_%(class)s_class_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "name"], name="monitoring_driver_enterprise"),
            models.Index(fields=["qualification_expires_on"], name="monitoring_driver_expiry"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("monitoring:alarm_list") + f"?driver={self.pk}"


class Alarm(models.Model):
    """One alarm as the monitoring platform exports it. The same vehicle, type and start time is the same alarm
    (a file exported twice, or overlapping exports, count it once)."""

    vehicle = models.ForeignKey(
        "enterprises.Vehicle", verbose_name=_("vehicle"), on_delete=models.PROTECT, related_name="alarms"
    )
    plate_colour = models.CharField(_("plate colour"), max_length=10, blank=True)
    driver = models.ForeignKey(
        Driver, verbose_name=_("driver"), on_delete=models.PROTECT, null=True, blank=True, related_name="alarms"
    )
    alarm_type = models.CharField(_("alarm type"), max_length=20, choices=AlarmType.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    speed = models.DecimalField(
        _("speed (km/h)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    handling_status = models.CharField(
        _("handling status"), max_length=20, choices=HandlingStatus.choices, default=HandlingStatus.PENDING
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handling_method = models.CharField(_("handling method"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "alarm_type", "started_at"],
                name="%(app_label)s_%(class)s_once",
                violation_error_message=_("This alarm is already recorded (same vehicle, type and start time)."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("An alarm cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(handled_at__isnull=True) | Q(handled_at__gte=F("started_at")),
                name="%(app_label)s_%(class)s_handled_after_start",
                violation_error_message=_("An alarm cannot be handled before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(handling_status=HandlingStatus.HANDLED) | Q(handled_at__isnull=False),
                name="%(app_label)s_%(class)s_handled_has_time",
                violation_error_message=_("A handled alarm needs the time it was handled."),
            ),
            models.CheckConstraint(
                condition=Q(speed__isnull=True) | Q(speed__gte=0), name="%(app_label)s_%(class)s_speed_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(alarm_type__in=AlarmType.values), name="%(app_label)s_%(class)s_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(handling_status__in=HandlingStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["-started_at", "-id"], name="monitoring_alarm_list"),
            models.Index(fields=["vehicle", "started_at"], name="monitoring_alarm_vehicle"),
            models.Index(fields=["driver", "started_at"], name="monitoring_alarm_driver"),
            models.Index(fields=["alarm_type", "started_at"], name="monitoring_alarm_type"),
        ]

    def __str__(self):
        # the type's label by the enum (``get_alarm_type_display`` hashes every choice per call: an import's
        # audit entries name a million alarms)
        return f"{self.vehicle} {AlarmType(self.alarm_type).label} {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("monitoring:alarm_list") + f"?vehicle={self.vehicle_id}"


class VehicleDayMileage(models.Model):
    """The kilometres a vehicle ran on a day (with a driver, when the platform names one)."""

    vehicle = models.ForeignKey(
        "enterprises.Vehicle", verbose_name=_("vehicle"), on_delete=models.PROTECT, related_name="day_mileage"
    )
    driver = models.ForeignKey(
        Driver, verbose_name=_("driver"), on_delete=models.PROTECT, null=True, blank=True, related_name="day_mileage"
    )
    day = models.DateField(_("date"))
    km = models.DecimalField(
        _("kilometres"), max_digits=8, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MileageQuerySet.as_manager()

    class Meta:
        verbose_name = _("vehicle-day mileage")
        verbose_name_plural = _("vehicle-day mileage")
        ordering = ["-day", "vehicle", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "driver", "day"],
                condition=Q(driver__isnull=False),
                name="%(app_label)s_%(class)s_once",
                violation_error_message=_("This vehicle's mileage with this driver on this day is already recorded."),
            ),
            models.UniqueConstraint(
                fields=["vehicle", "day"],
                condition=Q(driver__isnull=True),
                name="%(app_label)s_%(class)s_once_without_driver",
                violation_error_message=_("This vehicle's mileage on this day is already recorded."),
            ),
            models.CheckConstraint(condition=Q(km__gte=0), name="%(app_label)s_%(class)s_km_not_negative"),
        ]
        indexes = [models.Index(fields=["day", "vehicle"], name="monitoring_mileage_day")]

    def __str__(self):
        return f"{self.vehicle} {self.day:%Y-%m-%d} {self.km} km"

    def get_absolute_url(self):
        return reverse("monitoring:alarm_list") + f"?vehicle={self.vehicle_id}"


class DailyRollup(models.Model):
    """Per vehicle, driver and day: kilometres and alarms, as ``services.rollup_rebuild`` computes them from the
    alarms and mileage (never typed in). The enterprise is the vehicle's, kept here so that the figures group by
    it without a join."""

    vehicle = models.ForeignKey(
        "enterprises.Vehicle", verbose_name=_("vehicle"), on_delete=models.CASCADE, related_name="+"
    )
    driver = models.ForeignKey(
        Driver, verbose_name=_("driver"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("date"))
    km = models.DecimalField(_("kilometres"), max_digits=9, decimal_places=1, default=Decimal("0"))
    alarms = models.PositiveIntegerField(_("alarms"), default=0)
    handled = models.PositiveIntegerField(_("handled"), default=0)
    handled_in_time = models.PositiveIntegerField(_("handled within the time limit"), default=0)
    by_type = models.JSONField(_("alarms by type"), default=dict)
    night_running = models.BooleanField(_("ran 02:00–05:00 (passenger vehicle)"), default=False)

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily monitoring rollup")
        verbose_name_plural = _("daily monitoring rollups")
        ordering = ["-day", "vehicle", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "driver", "day"],
                condition=Q(driver__isnull=False),
                name="%(app_label)s_%(class)s_once",
            ),
            models.UniqueConstraint(
                fields=["vehicle", "day"],
                condition=Q(driver__isnull=True),
                name="%(app_label)s_%(class)s_once_without_driver",
            ),
            models.CheckConstraint(
                condition=Q(handled__lte=F("alarms")) & Q(handled_in_time__lte=F("handled")) & Q(km__gte=0),
                name="%(app_label)s_%(class)s_counts_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["day", "enterprise"], name="monitoring_rollup_enterprise"),
            models.Index(fields=["day", "driver"], name="monitoring_rollup_driver"),
            models.Index(fields=["day", "vehicle"], name="monitoring_rollup_vehicle"),
        ]

    def __str__(self):
        return f"{self.vehicle_id} {self.day:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("monitoring:alarm_list") + f"?vehicle={self.vehicle_id}&month={self.day:%Y-%m}"


class Threshold(models.Model):
    """The 督办 threshold an administrator sets: from the month of ``valid_from`` on (until a later threshold), an
    enterprise with more alarms per 1,000 km in a month gets a supervision notice, and a driver above it for
    ``education_months`` consecutive months is listed for education."""

    valid_from = BoundedDateField(_("valid from (month)"), unique=True, help_text=_("The first day of a month."))
    per_1000_km = models.DecimalField(
        _("alarms per 1,000 km"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    reply_days = models.PositiveSmallIntegerField(
        _("days to reply"), default=15, help_text=_("The enterprise's reply to a supervision notice is due after.")
    )
    education_months = models.PositiveSmallIntegerField(
        _("consecutive months for education"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("A driver above the threshold for this many consecutive months is listed for education."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("supervision threshold")
        verbose_name_plural = _("supervision thresholds")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(per_1000_km__gte=0), name="%(app_label)s_%(class)s_not_negative"),
            models.CheckConstraint(condition=Q(education_months__gte=1), name="%(app_label)s_%(class)s_months"),
        ]

    def __str__(self):
        return f"{self.valid_from:%Y-%m} {self.per_1000_km}"

    def get_absolute_url(self):
        return reverse("monitoring:notice_list")


class SupervisionNotice(models.Model):
    """A 督办 notice: an enterprise was above the threshold in a month (one notice per enterprise and month, the
    figures as they were when it was issued) and must reply by ``due_on``; staff record the enterprise's reply."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    month = models.DateField(_("month"))
    km = models.DecimalField(_("kilometres"), max_digits=11, decimal_places=1)
    alarms = models.PositiveIntegerField(_("alarms"))
    per_1000_km = models.DecimalField(_("alarms per 1,000 km"), max_digits=9, decimal_places=2)
    threshold = models.DecimalField(_("threshold"), max_digits=7, decimal_places=2)
    due_on = models.DateField(_("reply due on"))
    reply = models.TextField(_("enterprise's reply"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reply recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SupervisionNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-month", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "month"],
                name="%(app_label)s_%(class)s_once",
                violation_error_message=_("This enterprise already has a supervision notice for this month."),
            ),
            models.CheckConstraint(
                condition=(Q(reply="") & Q(replied_on__isnull=True)) | (~Q(reply="") & Q(replied_on__isnull=False)),
                name="%(app_label)s_%(class)s_reply_dated",
                violation_error_message=_("A reply needs the date it was given."),
            ),
        ]
        indexes = [
            models.Index(fields=["-month", "id"], name="monitoring_notice_list"),
            models.Index(fields=["due_on"], condition=Q(replied_on__isnull=True), name="monitoring_notice_awaiting"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("monitoring:notice_detail", args=[self.pk])

    @property
    def awaiting_reply(self) -> bool:
        return self.replied_on is None
