"""Checklists with evidence: one mechanism for the province's 真抓实干督查激励 indicators and for acceptance
standards (城乡客运一体化示范县 验收).

An administrator defines a ``Checklist`` for a year and its ``ChecklistItem`` rows (target, scoring rule, full
marks, lead and responsible units, and where the value comes from: ``computed`` by the portal from a figure of
``checklists.registry``, or ``entered`` by the lead unit with ``EvidenceFile`` rows). The lead unit fills each item,
responsible units comment (``ItemComment``), the lead unit adopts or answers each comment, and a leader signs: the
``Submission`` is the frozen snapshot, which the database refuses to change (migration 0002)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import NOTE_LENGTH, TEXT_LENGTH, BoundedDateField, CappedTextField
from core.models import StoredFile
from core.uploads import generated_name

from .choices import ChecklistKind, CommentState, DataSource
from .querysets import ChecklistItemQuerySet, ChecklistQuerySet, ItemCommentQuerySet, SubmissionQuerySet

SCORE = {"max_digits": 6, "decimal_places": 2}


def plain(value) -> str:
    """A decimal without its trailing zeros and never in exponent form (100, 98.5), "" for None."""
    return "" if value is None else f"{value.normalize():f}"


class Checklist(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=ChecklistKind.choices)
    title = models.CharField(_("title"), max_length=200)
    deadline = BoundedDateField(_("submission deadline"))
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checklists",
        limit_choices_to={"role": "leader"},
        help_text=_("The leader who signs the submission; empty: any bureau leader."),
    )
    description = CappedTextField(_("description"), max_length=NOTE_LENGTH, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["-year", "kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["year", "title"], name="%(app_label)s_%(class)s_unique_title"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="%(app_label)s_%(class)s_year_range"
            ),
        ]
        indexes = [models.Index(fields=["-year", "kind", "title"], name="checklists_checklist_year")]

    def __str__(self):
        return f"{self.year} {self.title}"

    def get_absolute_url(self):
        return reverse("checklists:checklist_detail", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return hasattr(self, "submission")


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("indicator"), max_length=200)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    target = models.CharField(_("target"), max_length=100)
    scoring_rule = CappedTextField(_("scoring rule"), max_length=NOTE_LENGTH)
    full_marks = models.DecimalField(_("full marks"), **SCORE, validators=[MinValueValidator(0)])
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    lead_unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="checklist_items"
    )
    responsible_units = models.ManyToManyField(
        "organisation.Unit", verbose_name=_("responsible units"), blank=True, related_name="checklist_responsibilities"
    )
    source = models.CharField(_("data source"), max_length=10, choices=DataSource.choices, default=DataSource.ENTERED)
    figure_key = models.CharField(
        _("figure"), max_length=60, blank=True, help_text=_("For a computed item: the portal's figure it takes.")
    )
    figure_param = models.CharField(
        _("figure parameter"),
        max_length=30,
        blank=True,
        help_text=_("The key task's number or the category the figure is about; empty: the whole year."),
    )
    # The lead unit's self-check (written by ``item_fill`` only)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    self_score = models.DecimalField(_("self-score"), **SCORE, null=True, blank=True)
    explanation = CappedTextField(_("explanation"), max_length=TEXT_LENGTH, blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    filled_at = models.DateTimeField(_("filled at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "number"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="%(app_label)s_%(class)s_unique_number"),
            models.CheckConstraint(
                condition=Q(source="computed", figure_key__gt="") | Q(source="entered", figure_key=""),
                name="%(app_label)s_%(class)s_computed_has_figure",
                violation_error_message=_("A computed item names its figure; an entered one names none."),
            ),
            models.CheckConstraint(condition=Q(full_marks__gte=0), name="%(app_label)s_%(class)s_full_marks"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="%(app_label)s_%(class)s_weight"),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0, self_score__lte=F("full_marks")),
                name="%(app_label)s_%(class)s_score_within_full_marks",
                violation_error_message=_("The self-score is from 0 to the item's full marks."),
            ),
            models.CheckConstraint(
                condition=Q(filled_at__isnull=True) | Q(self_score__isnull=False, filled_by__isnull=False),
                name="%(app_label)s_%(class)s_filled_has_score",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def get_absolute_url(self):
        return reverse("checklists:item_detail", args=[self.pk])

    @property
    def is_filled(self) -> bool:
        return self.filled_at is not None

    @property
    def value_text(self) -> str:
        return plain(self.value)

    @property
    def is_computed(self) -> bool:
        return self.source == DataSource.COMPUTED


def evidence_path(instance, filename):
    return generated_name("checklists", filename)


class EvidenceFile(StoredFile):
    """A file the lead unit gives as evidence (佐证材料) for an item."""

    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["item", "pk"]

    def get_absolute_url(self):
        return reverse("checklists:evidence_download", args=[self.pk])


class ItemComment(models.Model):
    """A responsible unit's comment (an objection to a value, say), which the lead unit adopts or answers with
    a reason."""

    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.CASCADE, related_name="comments"
    )
    unit = models.ForeignKey("organisation.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = CappedTextField(_("comment"), max_length=NOTE_LENGTH)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=CommentState.choices, default=CommentState.OPEN)
    answer = CappedTextField(_("answer"), max_length=NOTE_LENGTH, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = ItemCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["item", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="answered") | ~Q(answer=""),
                name="%(app_label)s_%(class)s_answer_has_reason",
                violation_error_message=_("Give the reason the comment is not adopted."),
            ),
            models.CheckConstraint(
                condition=Q(state="open", resolved_at__isnull=True)
                | (~Q(state="open") & Q(resolved_at__isnull=False, resolved_by__isnull=False)),
                name="%(app_label)s_%(class)s_resolved_has_time",
            ),
        ]

    def __str__(self):
        return self.text[:50]

    def get_absolute_url(self):
        return reverse("checklists:item_detail", args=[self.item_id]) + f"#comment-{self.pk}"


class Submission(models.Model):
    """A checklist as signed: every item's value, self-score, full marks, explanation and evidence list at the
    moment of signing, who signed and when. Never changed: no service or page changes it, the admin only shows
    it, and the database refuses an UPDATE (migration 0002)."""

    checklist = models.OneToOneField(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="submission"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    total_score = models.DecimalField(_("total self-score"), max_digits=8, decimal_places=2)
    rows = models.JSONField(_("items as signed"))

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed submission")
        verbose_name_plural = _("signed submissions")
        ordering = ["-signed_at", "-pk"]
        indexes = [models.Index(fields=["signed_at", "id"], name="checklists_submission_signed")]

    def __str__(self):
        return str(self.checklist)

    def get_absolute_url(self):
        return reverse("checklists:checklist_detail", args=[self.checklist_id])
