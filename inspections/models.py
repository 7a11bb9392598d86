"""Inspections (日常 / 专项 / 四不两直 / 双随机), their findings, the inspector pool with declared conflicts of interest,
and the random draws of 双随机、一公开 whose seed, inputs and result are recorded and published."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import clock
from core.fields import NOTE_LENGTH, TEXT_LENGTH, BoundedDateField, CappedTextField

from .choices import InspectionKind
from .querysets import DrawQuerySet, FindingQuerySet, InspectionQuerySet, InspectorQuerySet


class Inspector(models.Model):
    """A member of the inspector pool: a user holding a law-enforcement certificate (执法证)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="inspector"
    )
    certificate_number = models.CharField(_("law-enforcement certificate number"), max_length=50, unique=True)
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active inspectors are drawn."))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = InspectorQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["pk"]
        indexes = [models.Index(fields=["active"], name="inspections_inspector_active")]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("admin:inspections_inspector_change", args=[self.pk])


class ConflictOfInterest(models.Model):
    """A declared conflict between an enterprise and an inspector, or a whole unit (回避): the draw never sends
    the inspector, or anyone of the unit, to that enterprise."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="conflicts"
    )
    inspector = models.ForeignKey(
        Inspector,
        verbose_name=_("inspector"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts",
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts",
    )
    reason = CappedTextField(_("reason"), max_length=NOTE_LENGTH)
    declared_on = BoundedDateField(_("declared on"), default=clock.today)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["enterprise", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspector__isnull=False, unit__isnull=True) | Q(inspector__isnull=True, unit__isnull=False),
                name="%(app_label)s_%(class)s_inspector_or_unit",
                violation_error_message=_("Name either an inspector or a unit."),
            ),
            models.UniqueConstraint(
                fields=["enterprise", "inspector"],
                condition=Q(inspector__isnull=False),
                name="%(app_label)s_%(class)s_unique_inspector",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "unit"],
                condition=Q(unit__isnull=False),
                name="%(app_label)s_%(class)s_unique_unit",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} ↔ {self.inspector or self.unit}"

    def get_absolute_url(self):
        return reverse("admin:inspections_conflictofinterest_change", args=[self.pk])


class Draw(models.Model):
    """A random draw (双随机): N enterprises from a filtered list, M inspectors from the pool for each.

    Everything needed to re-run it is recorded — the seed, the filter, the input lists in the order used and the
    pairs excluded by declared conflicts — and the result. A draw is never changed after it is made: there is no
    update service or page, the admin is read-only, and the database refuses an UPDATE (migration 0002)."""

    title = models.CharField(_("title"), max_length=200)
    made_at = models.DateTimeField(_("made at"), default=clock.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="draws"
    )
    lead_unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="draws"
    )
    enterprise_type = models.CharField(_("enterprise type"), max_length=20, blank=True)
    township = models.ForeignKey(
        "organisation.Township",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise_count = models.PositiveSmallIntegerField(_("enterprises drawn"))
    inspectors_per_enterprise = models.PositiveSmallIntegerField(_("inspectors per enterprise"))
    seed = models.CharField(_("seed"), max_length=64, unique=True, help_text=_("Hexadecimal, from Python's secrets."))
    enterprise_ids = models.JSONField(_("candidate enterprises (ids, in order)"))
    inspector_ids = models.JSONField(_("candidate inspectors (ids, in order)"))
    excluded_pairs = models.JSONField(
        _("excluded pairs (enterprise id, inspector id)"),
        default=list,
        blank=True,
        help_text=_("From declared conflicts."),
    )
    result = models.JSONField(_("result"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = DrawQuerySet.as_manager()

    class Meta:
        verbose_name = _("random draw")
        verbose_name_plural = _("random draws")
        ordering = ["-made_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise_count__gte=1), name="%(app_label)s_%(class)s_draws_an_enterprise"
            ),
            models.CheckConstraint(
                condition=Q(inspectors_per_enterprise__gte=2),
                name="%(app_label)s_%(class)s_at_least_two_inspectors",
                violation_error_message=_("Draw at least two inspectors per enterprise."),
            ),
        ]
        indexes = [models.Index(fields=["-made_at", "-id"], name="inspections_draw_made_at")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspections:draw_detail", args=[self.pk])

    def get_public_url(self):
        return reverse("public_draws:detail", args=[self.seed])  # the seed is public and unique; the id is not shown

    @property
    def pairs(self) -> list[tuple[int, list[int]]]:
        """The result as (enterprise id, [inspector ids]) in the order drawn."""
        return [(row["enterprise"], list(row["inspectors"])) for row in self.result]


class Inspection(models.Model):
    """An inspection of enterprises or construction projects by a unit's inspectors."""

    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    date = BoundedDateField(_("date"))
    lead_unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="inspections"
    )
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name=_("enterprises inspected"), blank=True, related_name="inspections"
    )
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("projects inspected"), blank=True, related_name="inspections"
    )
    summary = CappedTextField(_("summary"), max_length=TEXT_LENGTH, blank=True)
    draw = models.ForeignKey(
        Draw,
        verbose_name=_("random draw"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(draw__isnull=True) | Q(kind=InspectionKind.RANDOM),
                name="%(app_label)s_%(class)s_draw_means_random",
            ),
        ]
        indexes = [
            models.Index(fields=["-date", "-id"], name="inspections_date"),
            models.Index(fields=["kind", "date"], name="inspections_kind_date"),
            models.Index(fields=["lead_unit", "date"], name="inspections_unit_date"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.pk])


class Finding(models.Model):
    """A problem found by an inspection. It may become a hazard in the register (with the fields pre-filled)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    text = CappedTextField(_("finding"), max_length=NOTE_LENGTH)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    hazard = models.OneToOneField(
        "safety.Hazard",
        verbose_name=_("hazard"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finding",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=True) | Q(project__isnull=True),
                name="%(app_label)s_%(class)s_enterprise_or_project",
                violation_error_message=_("A finding concerns an enterprise or a project, not both."),
            ),
        ]

    def __str__(self):
        return self.text[:40]

    def get_absolute_url(self):
        return self.inspection.get_absolute_url() + f"#finding-{self.pk}"
