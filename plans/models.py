from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import clock
from core.fields import DOCUMENT_LENGTH, NOTE_LENGTH, TEXT_LENGTH, BoundedDateField, CappedTextField
from core.models import MonthlyReview, ReviewProblem, StoredFile
from core.periods import month_label
from core.uploads import generated_name

from .choices import MeasureStatus
from .querysets import KeyTaskQuerySet, MeasureQuerySet, ProgressReportQuerySet

PERCENT = [MaxValueValidator(100)]


class WorkPlan(models.Model):
    """The bureau's plan for one year (工作计划)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    published = models.BooleanField(_("published"), default=False)
    published_on = BoundedDateField(_("published on"), null=True, blank=True)
    source_text = CappedTextField(_("source text"), max_length=DOCUMENT_LENGTH, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:plan_overview", args=[self.year])


class KeyTask(models.Model):
    """One of the plan's key tasks (重点工作), e.g. 1. 全力推进交通项目建设."""

    plan = models.ForeignKey(WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="key_tasks")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = KeyTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="%(app_label)s_%(class)s_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("plans:measure_list") + f"?key_task={self.pk}"


class Measure(models.Model):
    """A numbered measure of a key task (一是…): what a unit is answerable for."""

    key_task = models.ForeignKey(KeyTask, verbose_name=_("key task"), on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = CappedTextField(_("full text"), max_length=TEXT_LENGTH)
    lead_unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_measures",
    )
    cooperating_units = models.ManyToManyField(
        "organisation.Unit", verbose_name=_("cooperating units"), blank=True, related_name="cooperating_measures"
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_measures",
        limit_choices_to={"role": "leader"},
    )
    start_date = BoundedDateField(_("start date"), null=True, blank=True)
    due_date = BoundedDateField(_("due date"), null=True, blank=True)
    target = CappedTextField(_("target / deliverable"), max_length=NOTE_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0, validators=PERCENT)
    supervised_at = models.DateTimeField(_("under supervision since"), null=True, blank=True)
    supervised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_measures",
    )
    supervision_note = CappedTextField(_("supervision note"), max_length=NOTE_LENGTH, blank=True)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
        help_text=_("The unfinished measure of the year before that this one continues."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["key_task__plan__year", "key_task__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["key_task", "number"], name="%(app_label)s_%(class)s_unique_number"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="%(app_label)s_%(class)s_progress_percent"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(start_date__lte=models.F("due_date")),
                name="%(app_label)s_%(class)s_start_before_due",
                violation_error_message=_("The start date must not be after the due date."),
            ),
            models.CheckConstraint(
                condition=Q(supervised_at__isnull=True, supervised_by__isnull=True)
                | Q(supervised_at__isnull=False, supervised_by__isnull=False),
                name="%(app_label)s_%(class)s_supervision_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["lead_unit", "status"], name="plans_measure_unit_status"),
            models.Index(fields=["due_date"], name="plans_measure_due_date"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("plans:measure_detail", args=[self.pk])

    def clean(self):
        """The start date is not after the due date (the constraint keeps it; named here on the field, so that
        every door reports it under the due date)."""
        if self.start_date and self.due_date and self.start_date > self.due_date:
            raise ValidationError({"due_date": _("The start date must not be after the due date.")})

    @property
    def code(self) -> str:
        """Task and measure number, e.g. 1.2 for the second measure of the first key task."""
        return f"{self.key_task.number}.{self.number}"

    @property
    def is_overdue(self) -> bool:
        return self.due_date is not None and self.status in MeasureStatus.open() and self.due_date < clock.today()

    @property
    def is_supervised(self) -> bool:
        return self.supervised_at is not None


class Checkpoint(models.Model):
    """A dated step of a measure (节点)."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="checkpoints"
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = BoundedDateField(_("due date"))
    done_on = BoundedDateField(_("done on"), null=True, blank=True)
    note = CappedTextField(_("note"), max_length=NOTE_LENGTH, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["measure", "due_date", "pk"]

    def __str__(self):
        return f"{self.due_date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return self.measure.get_absolute_url() + "#checkpoints"

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_date < clock.today()


class ProgressReport(MonthlyReview):
    """A unit's report on a measure for one month (进度报送), reviewed by the unit head."""

    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="reports")
    text = CappedTextField(_("progress"), max_length=TEXT_LENGTH)
    progress = models.PositiveSmallIntegerField(_("progress %"), validators=PERCENT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_reports",
    )

    objects = ProgressReportQuerySet.as_manager()

    class Meta(MonthlyReview.Meta):
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            *MonthlyReview.Meta.constraints,
            models.UniqueConstraint(
                fields=["measure", "month"],
                name="%(app_label)s_%(class)s_one_per_month",
                violation_error_message=_("This measure already has a report for that month."),
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="%(app_label)s_%(class)s_progress_percent"),
            models.CheckConstraint(  # not in MonthlyReview: its message names the report
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="%(app_label)s_%(class)s_returned_has_reason",
                violation_error_message=_("A returned report needs a reason."),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "measure"], name="plans_report_state_measure"),
        ]

    def __str__(self):
        return f"{self.measure.code} {month_label(self.month)}"

    def get_absolute_url(self):
        return reverse("plans:report_detail", args=[self.pk])


class ReportProblem(ReviewProblem):
    """A problem a progress report names."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="problems"
    )

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["report", "pk"]

    def get_absolute_url(self):
        return self.report.get_absolute_url()


def attachment_path(instance, filename):
    return generated_name("reports", filename)


class ReportAttachment(StoredFile):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "pk"]

    def get_absolute_url(self):
        return reverse("plans:attachment_download", args=[self.pk])


class MeasureComment(models.Model):
    """A leader's comment on a measure (批示)."""

    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="measure_comments"
    )
    text = CappedTextField(_("comment"), max_length=NOTE_LENGTH)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["measure", "created_at"]

    def __str__(self):
        return self.text[:40]

    def get_absolute_url(self):
        return self.measure.get_absolute_url() + "#comments"
