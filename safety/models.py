"""The hazard register (隐患排查治理台账): hazards, their photos and the transitions of their workflow.

A hazard's code (YH-<year>-<4 digits>) is assigned by the system from a per-year counter row, locked while the
registering transaction runs, so codes are unique and gap-free per year. Its status changes only through the
services (``safety.services``); every change of status is a ``HazardTransition``. Overdue is derived from the
deadline (``HazardQuerySet.overdue_q``), never stored.

The responsible person (责任人) is a name typed as text, not a user: the person answerable for a rectification is
often outside the bureau (an enterprise's safety manager, a township official). Permissions follow the responsible
unit (a bureau unit, FK ``organisation.Unit``).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import clock
from core.fields import NOTE_LENGTH, BoundedDateField, CappedTextField
from core.models import StoredFile
from core.uploads import generated_name

from .choices import HazardAction, HazardField, HazardLevel, HazardSource, HazardStatus, PhotoKind
from .querysets import HazardQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}
CODE_PREFIX = "YH"


def hazard_code(year: int, number: int) -> str:
    return f"{CODE_PREFIX}-{year}-{number:04d}"


class HazardCodeCounter(models.Model):
    """The last hazard number given out in a year; locked (select_for_update) while a code is taken."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("hazard code counter")
        verbose_name_plural = _("hazard code counters")
        ordering = ["year"]

    def __str__(self):
        return hazard_code(self.year, self.last_number)

    def get_absolute_url(self):
        return reverse("safety:hazard_list") + f"?year={self.year}"


def ledger_path(instance, filename):
    return generated_name("safety/ledgers", filename)


class HazardLedger(StoredFile):
    """A register a unit kept before the portal, brought in whole: the file as uploaded, kept with the hazards it
    created (their statuses as the ledger records them, each an ``IMPORT`` step naming this ledger)."""

    file = models.FileField(_("file"), upload_to=ledger_path, max_length=300, blank=True)

    class Meta:
        verbose_name = _("hazard ledger")
        verbose_name_plural = _("hazard ledgers")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.original_name


class Hazard(models.Model):
    """A safety hazard found, with its five fixes (五定) and its place in the workflow."""

    code = models.CharField(_("code"), max_length=20, unique=True, blank=True, editable=False)
    field = models.CharField(_("field"), max_length=20, choices=HazardField.choices)
    level = models.CharField(_("level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    source = models.CharField(_("source"), max_length=20, choices=HazardSource.choices)
    location = models.CharField(_("location"), max_length=200)
    township = models.ForeignKey(
        "organisation.Township", verbose_name=_("township"), on_delete=models.PROTECT, related_name="hazards"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
    )
    vehicle = models.ForeignKey(
        "enterprises.Vehicle",
        verbose_name=_("vehicle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
    )
    description = CappedTextField(_("hazard description"), max_length=NOTE_LENGTH)
    found_on = BoundedDateField(_("found on"))
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="registered_hazards",
    )
    #: Brought in from a ledger kept before the portal: its status came from the ledger (an ``IMPORT`` step), not
    #: from the workflow, and the reporter the ledger names is kept by name (they need not be a user).
    ledger = models.ForeignKey(
        HazardLedger, verbose_name=_("ledger"), on_delete=models.PROTECT, null=True, blank=True, related_name="hazards"
    )
    reported_by_name = models.CharField(_("reported by (as the ledger names them)"), max_length=50, blank=True)
    # The five fixes (五定): responsibility (unit and person), measures, funds, deadline, contingency plan.
    responsible_unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="hazards",
        help_text=_("The bureau unit answerable for the rectification; its members carry the workflow."),
    )
    responsible_person = models.CharField(
        _("responsible person"),
        max_length=50,
        blank=True,
        help_text=_("Name (and phone) of the person answerable on site; need not be a portal user."),
    )
    measures = CappedTextField(_("rectification measures"), max_length=NOTE_LENGTH, blank=True)
    funds = models.DecimalField(_("funds (10k yuan)"), **MONEY, default=0, validators=[MinValueValidator(0)])
    deadline = BoundedDateField(_("deadline"))
    contingency_plan = CappedTextField(_("contingency plan"), max_length=NOTE_LENGTH, blank=True)
    # The workflow (changed only by the services).
    status = models.CharField(_("status"), max_length=20, choices=HazardStatus.choices, default=HazardStatus.PENDING)
    rectification_note = CappedTextField(_("rectification done"), max_length=NOTE_LENGTH, blank=True)
    rectification_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rectification reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rectification_reported_at = models.DateTimeField(_("rectification reported at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    #: Once major, always in need of a leader's sign-off: a leader's downgrade to general (a recorded step with
    #: its reason) does not take the sign-off away.
    ever_major = models.BooleanField(_("ever major"), default=False, editable=False)
    verification_note = CappedTextField(_("verification note"), max_length=NOTE_LENGTH, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified and closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_on", "-id"]  # codes pass 9999 at province scale: "-code" would sort YH-2020-10000 first
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="%(app_label)s_%(class)s_code_assigned"),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("found_on")),
                name="%(app_label)s_%(class)s_deadline_not_before_found",
                violation_error_message=_("The deadline must not be before the date the hazard was found."),
            ),
            models.CheckConstraint(
                condition=Q(funds__gte=0),
                name="%(app_label)s_%(class)s_funds_not_negative",
                violation_error_message=_("Funds must not be negative."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=HazardStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(level__in=HazardLevel.values), name="%(app_label)s_%(class)s_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(field__in=HazardField.values), name="%(app_label)s_%(class)s_field_valid"
            ),
            # A hazard brought in from a ledger has the status the ledger records, without the portal's steps.
            models.CheckConstraint(
                condition=Q(status__in=[HazardStatus.PENDING, HazardStatus.RECTIFYING])
                | Q(rectification_reported_by__isnull=False, rectification_reported_at__isnull=False)
                | Q(ledger__isnull=False),
                name="%(app_label)s_%(class)s_reported_before_verification",
            ),
            models.CheckConstraint(
                condition=~Q(status=HazardStatus.CLOSED)
                | (Q(closed_by__isnull=False, closed_at__isnull=False) & ~Q(verification_note=""))
                | Q(ledger__isnull=False),
                name="%(app_label)s_%(class)s_closed_is_verified",
            ),
            models.CheckConstraint(
                condition=~Q(status=HazardStatus.CLOSED) | ~Q(closed_by=F("rectification_reported_by")),
                name="%(app_label)s_%(class)s_four_eyes",
                violation_error_message=_("The person who reported the rectification cannot verify it."),
            ),
            models.CheckConstraint(
                condition=~Q(status=HazardStatus.CLOSED, ever_major=True)
                | Q(signed_off_by__isnull=False)
                | Q(ledger__isnull=False),
                name="%(app_label)s_%(class)s_major_signed_off",
                violation_error_message=_("A major hazard needs a bureau leader's sign-off before it is closed."),
            ),
            models.CheckConstraint(
                condition=~Q(level=HazardLevel.MAJOR) | Q(ever_major=True),
                name="%(app_label)s_%(class)s_major_is_ever_major",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True, signed_off_at__isnull=True)
                | Q(signed_off_by__isnull=False, signed_off_at__isnull=False),
                name="%(app_label)s_%(class)s_sign_off_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["-found_on", "-id"], name="safety_hazard_list_order"),
            models.Index(fields=["status", "deadline"], name="safety_hazard_status_deadline"),
            models.Index(fields=["responsible_unit", "status"], name="safety_hazard_unit_status"),
            models.Index(fields=["field", "status"], name="safety_hazard_field_status"),
            models.Index(fields=["township", "status"], name="safety_hazard_township_status"),
            models.Index(fields=["level", "status"], name="safety_hazard_level_status"),
            # The year's counts by field and level (dashboard, zero-out page) read this index alone, not the table.
            models.Index(fields=["found_on", "field", "level", "status", "deadline"], name="safety_hazard_year_counts"),
            # The API's keyset order (change time, id): one index range scan per page, however many rows share a
            # change time (a bulk write stamps them all alike); also serves "changed since".
            models.Index(fields=["updated_at", "id"], name="safety_hazard_changed"),
        ]

    def __str__(self):
        return f"{self.code} {self.location}"

    def save(self, *args, **kwargs):
        self.note_level()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("safety:hazard_detail", args=[self.pk])

    def clean(self):
        self.note_level()

    @property
    def is_open(self) -> bool:
        return self.status in HazardStatus.open()

    @property
    def is_overdue(self) -> bool:
        """As ``HazardQuerySet.overdue_q``; a list annotates ``overdue`` instead."""
        return self.is_open and self.deadline is not None and self.deadline < clock.today()

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    @property
    def needs_sign_off(self) -> bool:
        """A hazard that was ever major is closed only after a bureau leader's sign-off."""
        return self.ever_major or self.is_major

    def note_level(self) -> None:
        """Remember that the hazard is (or was) major (by ``clean()``, so on every door's validation, and ``save()``)."""
        self.ever_major = self.needs_sign_off


def photo_path(instance, filename):
    return generated_name("hazards", filename)


class HazardPhoto(StoredFile):
    """A photo of a hazard: as found, of the rectification, or taken at verification."""

    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("kind"), max_length=20, choices=PhotoKind.choices)
    file = models.FileField(_("file"), upload_to=photo_path, max_length=300)
    uploaded_at = models.DateTimeField(
        _("uploaded at"), default=timezone.now
    )  # overrides StoredFile's: the demo data backdates photos

    class Meta:
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")
        ordering = ["hazard", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["hazard", "kind"], name="safety_photo_hazard_kind")]

    def get_absolute_url(self):
        return reverse("safety:photo", args=[self.pk])


class HazardTransition(models.Model):
    """One step of a hazard's workflow: from which status to which, by whom, when, with what note."""

    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("action"), max_length=20, choices=HazardAction.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=HazardStatus.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=HazardStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="hazard_transitions"
    )
    at = models.DateTimeField(_("at"), default=clock.now)
    note = CappedTextField(_("note"), max_length=NOTE_LENGTH, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("hazard transition")
        verbose_name_plural = _("hazard transitions")
        ordering = ["hazard", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=HazardAction.FAIL) | ~Q(note=""),
                name="%(app_label)s_%(class)s_failure_has_reason",
                violation_error_message=_("A failed verification needs a reason."),
            ),
        ]
        indexes = [models.Index(fields=["updated_at", "id"], name="safety_transition_changed")]  # the API's order

    def __str__(self):
        return f"{self.hazard.code}: {self.get_from_status_display()} → {self.get_to_status_display()}"

    def get_absolute_url(self):
        return self.hazard.get_absolute_url() + "#timeline"
