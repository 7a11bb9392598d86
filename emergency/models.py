"""Emergency readiness (应急值守 / 应急演练): who is on duty each day, the special periods that call for more care,
and the drills held."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import TEXT_LENGTH, BoundedDateField, CappedTextField
from core.models import StoredFile
from core.uploads import generated_name

from .choices import DutyRole, SpecialPeriodKind
from .querysets import DrillQuerySet, DutyAssignmentQuerySet, SpecialPeriodQuerySet


class SpecialPeriod(models.Model):
    """A period that calls for stepped-up duty (春运, 两节, 两会, 汛期), marked on the roster."""

    kind = models.CharField(_("kind"), max_length=20, choices=SpecialPeriodKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("e.g. 2020年春运"))
    start_date = BoundedDateField(_("start date"))
    end_date = BoundedDateField(_("end date"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = SpecialPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("special period")
        verbose_name_plural = _("special periods")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")),
                name="%(app_label)s_%(class)s_start_before_end",
                violation_error_message=_("The start date must not be after the end date."),
            ),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"], name="emergency_period_dates")]

    def __str__(self):
        return self.name or f"{self.get_kind_display()} {self.start_date:%Y-%m-%d}–{self.end_date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("emergency:roster_month", args=[self.start_date.year, self.start_date.month])

    def covers(self, day) -> bool:
        return self.start_date <= day <= self.end_date


#: The one-leader-a-day constraint's message (the roster import checks it against the loaded duties too).
ONE_LEADER_A_DAY = _("There is already a leader on duty that day.")


class DutyAssignment(models.Model):
    """One person's duty on one day: the leader on duty (带班领导) or a staff member on duty (值班人员)."""

    date = BoundedDateField(_("date"))
    role = models.CharField(_("duty"), max_length=20, choices=DutyRole.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="duties"
    )
    phone = models.CharField(
        _("phone on duty"),
        max_length=30,
        blank=True,
        help_text=_("Leave empty to use the phone in the person's account."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = DutyAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty assignment")
        verbose_name_plural = _("duty assignments")
        ordering = ["date", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "person"],
                name="%(app_label)s_%(class)s_one_duty_per_person_and_day",
                violation_error_message=_("This person already has a duty on that day."),
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(role=DutyRole.LEADER),
                name="%(app_label)s_%(class)s_one_leader_per_day",
                violation_error_message=ONE_LEADER_A_DAY,
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_role_display()} {self.person}"

    def get_absolute_url(self):
        return reverse("emergency:roster_day", args=[self.date.isoformat()])

    @property
    def contact_phone(self) -> str:
        """The phone to call: the one given for this duty, otherwise the person's own."""
        return self.phone or self.person.phone


class Drill(models.Model):
    """An emergency drill (应急演练)."""

    date = BoundedDateField(_("date"))
    scenario = models.CharField(_("scenario"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    units = models.ManyToManyField("organisation.Unit", verbose_name=_("units taking part"), related_name="drills")
    participants = models.PositiveIntegerField(_("participants"))
    summary = CappedTextField(_("summary"), max_length=TEXT_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DrillQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__gt=0),
                name="%(app_label)s_%(class)s_participants_positive",
                violation_error_message=_("A drill has at least one participant."),
            ),
        ]
        indexes = [models.Index(fields=["-date", "-id"], name="emergency_drill_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.scenario}"

    def get_absolute_url(self):
        return reverse("emergency:drill_detail", args=[self.pk])


def drill_photo_path(instance, filename):
    return generated_name("drills", filename)


class DrillPhoto(StoredFile):
    drill = models.ForeignKey(Drill, verbose_name=_("drill"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=drill_photo_path, max_length=300)

    class Meta:
        verbose_name = _("drill photo")
        verbose_name_plural = _("drill photos")
        ordering = ["drill", "pk"]

    def get_absolute_url(self):
        return reverse("emergency:drill_photo", args=[self.pk])
