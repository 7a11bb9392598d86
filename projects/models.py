from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import clock
from core.fields import NOTE_LENGTH, TEXT_LENGTH, BoundedDateField, CappedTextField
from core.models import MonthlyReview, ReviewProblem, StoredFile
from core.periods import month_label
from core.uploads import generated_name

from .choices import FundingSourceKind, MilestonePhase, ProjectCategory, ProjectList, ProjectStage
from .querysets import MilestoneQuerySet, MonthlyProgressQuerySet, ProjectQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(0)]


class Project(models.Model):
    """A road construction project in the registry (项目库)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(
        _("code"), max_length=30, blank=True, help_text=_("Route number where it has one, e.g. G106.")
    )
    category = models.CharField(_("category"), max_length=20, choices=ProjectCategory.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=ProjectStage.choices, default=ProjectStage.PLANNING)
    townships = models.ManyToManyField(
        "organisation.Township", verbose_name=_("townships"), blank=True, related_name="projects"
    )
    length_km = models.DecimalField(
        _("length (km)"), max_digits=9, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    total_investment = models.DecimalField(
        _("total investment (10k yuan)"), **MONEY, default=0, validators=NON_NEGATIVE
    )
    owner_entity = models.CharField(_("owner entity"), max_length=100, blank=True, help_text=_("e.g. 市交建投"))
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    responsible_unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="projects"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
        limit_choices_to={"role": "leader"},
    )
    planned_start = BoundedDateField(_("planned start"), null=True, blank=True)
    planned_finish = BoundedDateField(_("planned finish"), null=True, blank=True)
    actual_start = BoundedDateField(_("actual start"), null=True, blank=True)
    actual_finish = BoundedDateField(_("actual finish"), null=True, blank=True)
    measures = models.ManyToManyField(
        "plans.Measure", verbose_name=_("plan measures served"), blank=True, related_name="projects"
    )
    description = CappedTextField(_("description"), max_length=TEXT_LENGTH, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="%(app_label)s_%(class)s_unique_code"),
            models.CheckConstraint(
                condition=Q(total_investment__gte=0), name="%(app_label)s_%(class)s_total_investment_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(length_km__isnull=True) | Q(length_km__gte=0),
                name="%(app_label)s_%(class)s_length_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_finish__isnull=True)
                | Q(planned_start__lte=models.F("planned_finish")),
                name="%(app_label)s_%(class)s_planned_start_before_finish",
                violation_error_message=_("The planned start must not be after the planned finish."),
            ),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_finish__isnull=True)
                | Q(actual_start__lte=models.F("actual_finish")),
                name="%(app_label)s_%(class)s_actual_start_before_finish",
                violation_error_message=_("The actual start must not be after the actual finish."),
            ),
        ]
        indexes = [
            models.Index(fields=["category", "name"], name="projects_project_category_name"),
            models.Index(fields=["stage"], name="projects_project_stage"),
            models.Index(fields=["responsible_unit", "stage"], name="projects_project_unit_stage"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    def clean(self):
        """A start is not after its finish (the constraints keep it; named here on the field, so that every door
        reports it under the finish)."""
        errors = {}
        if self.planned_start and self.planned_finish and self.planned_start > self.planned_finish:
            errors["planned_finish"] = _("The planned start must not be after the planned finish.")
        if self.actual_start and self.actual_finish and self.actual_start > self.actual_finish:
            errors["actual_finish"] = _("The actual start must not be after the actual finish.")
        if errors:
            raise ValidationError(errors)


class ProjectListing(models.Model):
    """A project's entry in one of the lists (十四五规划, 长沙市规项目, 民生实事 …)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="listings")
    list = models.CharField(_("list"), max_length=30, choices=ProjectList.choices)

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["project", "list"]
        constraints = [
            models.UniqueConstraint(fields=["project", "list"], name="%(app_label)s_%(class)s_once_per_list"),
        ]
        indexes = [models.Index(fields=["list"], name="projects_listing_list")]

    def __str__(self):
        return self.get_list_display()

    def get_absolute_url(self):
        return self.project.get_absolute_url()


class FundingSource(models.Model):
    """How much of a project's investment one kind of source provides (万元)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="funding_sources"
    )
    source = models.CharField(_("funding source"), max_length=20, choices=FundingSourceKind.choices)
    amount = models.DecimalField(_("amount (10k yuan)"), **MONEY, validators=NON_NEGATIVE)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["project", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source"],
                name="%(app_label)s_%(class)s_one_per_source",
                violation_error_message=_("This project already has an amount for that source."),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.amount}"

    def get_absolute_url(self):
        return self.project.get_absolute_url() + "#funding"


class InvestmentPlan(models.Model):
    """A project's planned investment for one year (年度计划投资, 万元)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="investment_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    amount = models.DecimalField(_("planned investment (10k yuan)"), **MONEY, validators=NON_NEGATIVE)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("annual investment plan")
        verbose_name_plural = _("annual investment plans")
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("This project already has a plan for that year."),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "project"], name="projects_plan_year_project")]

    def __str__(self):
        return f"{self.project} {self.year}"

    def get_absolute_url(self):
        return self.project.get_absolute_url()


class Milestone(models.Model):
    """One standard phase of a project (立项 … 竣工验收) with its planned and actual dates."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    phase = models.CharField(_("phase"), max_length=30, choices=MilestonePhase.choices)
    planned_date = BoundedDateField(_("planned date"), null=True, blank=True)
    actual_date = BoundedDateField(_("actual date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "planned_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "phase"],
                name="%(app_label)s_%(class)s_one_per_phase",
                violation_error_message=_("This project already has this milestone."),
            ),
        ]
        indexes = [models.Index(fields=["planned_date", "actual_date"], name="projects_milestone_dates")]

    def __str__(self):
        return f"{self.project} · {self.get_phase_display()}"

    def get_absolute_url(self):
        return self.project.get_absolute_url() + "#milestones"

    @property
    def is_done(self) -> bool:
        return self.actual_date is not None

    def delay_days(self, today=None) -> int | None:
        """Days late: actual − planned when done; today − planned when not done and past due; else 0 or None
        (no planned date). Negative when done early."""
        if self.planned_date is None:
            return None
        if self.actual_date is not None:
            return (self.actual_date - self.planned_date).days
        today = today or clock.today()
        return max((today - self.planned_date).days, 0)


class MonthlyProgress(MonthlyReview):
    """A project's progress for one month (月度进度): investment completed, physical progress, narrative,
    blockers and photos; reviewed by the head of the responsible unit. Year-to-date and cumulative investment
    are derived from these rows (``MonthlyProgressQuerySet.with_totals``), never stored."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="progress")
    investment = models.DecimalField(_("investment completed this month (10k yuan)"), **MONEY, validators=NON_NEGATIVE)
    physical_progress = models.PositiveSmallIntegerField(_("physical progress %"), validators=[MaxValueValidator(100)])
    narrative = CappedTextField(_("progress"), max_length=TEXT_LENGTH, blank=True)
    over_total_reason = CappedTextField(
        _("reason for exceeding the total investment"),
        max_length=NOTE_LENGTH,
        blank=True,
        help_text=_("Required when the cumulative investment goes above the project's total investment."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="project_progress"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_project_progress",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = MonthlyProgressQuerySet.as_manager()

    class Meta(MonthlyReview.Meta):
        verbose_name = _("monthly progress")
        verbose_name_plural = _("monthly progress")
        constraints = [
            *MonthlyReview.Meta.constraints,
            models.UniqueConstraint(
                fields=["project", "month"],
                name="%(app_label)s_%(class)s_one_per_month",
                violation_error_message=_("This project already has progress for that month."),
            ),
            models.CheckConstraint(
                condition=Q(investment__gte=0),
                name="%(app_label)s_%(class)s_investment_not_negative",
                violation_error_message=_("The investment must not be negative."),
            ),
            models.CheckConstraint(
                condition=Q(physical_progress__gte=0, physical_progress__lte=100),
                name="%(app_label)s_%(class)s_progress_percent",
            ),
            models.CheckConstraint(  # not in MonthlyReview: its message names the progress
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="%(app_label)s_%(class)s_returned_has_reason",
                violation_error_message=_("Returned progress needs a reason."),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "project"], name="projects_progress_state"),
            models.Index(fields=["month", "project"], name="projects_progress_month"),
        ]

    def __str__(self):
        return f"{self.project} {month_label(self.month)}"

    def get_absolute_url(self):
        return reverse("projects:progress_detail", args=[self.pk])


class Blocker(ReviewProblem):
    """What blocks a project in a month (a problem its monthly progress names)."""

    progress = models.ForeignKey(
        MonthlyProgress, verbose_name=_("monthly progress"), on_delete=models.CASCADE, related_name="blockers"
    )

    class Meta:
        verbose_name = _("blocker")
        verbose_name_plural = _("blockers")
        ordering = ["progress", "pk"]
        indexes = [models.Index(fields=["category"], name="projects_blocker_category")]

    def get_absolute_url(self):
        return self.progress.get_absolute_url()


def photo_path(instance, filename):
    return generated_name("projects", filename)


class ProgressPhoto(StoredFile):
    progress = models.ForeignKey(
        MonthlyProgress, verbose_name=_("monthly progress"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=photo_path, max_length=300)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["progress", "pk"]

    def get_absolute_url(self):
        return reverse("projects:photo_download", args=[self.pk])
