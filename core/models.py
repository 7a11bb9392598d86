"""Models of the portal core: the background import jobs (``core.imports.jobs`` runs them) and the abstract
models that several apps share (``StoredFile``: an uploaded attachment or photo; ``MonthlyReview``: a month's
report reviewed by the unit head)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import REPORTED, ProblemCategory, ReviewState
from .fields import NOTE_LENGTH, CappedTextField, MonthField
from .imports.choices import JobPhase, JobState


class StoredFile(models.Model):
    """An uploaded file kept with the name it was uploaded under, its size and who uploaded it when.

    Each child declares its own ``file`` (its ``upload_to`` path differs), its parent key and its Meta;
    ``core.uploads.stored_file_create`` saves one from an upload and ``stored_file_response`` serves it."""

    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


class MonthlyReviewQuerySet(models.QuerySet):
    """Who may do what with a month's report (``MonthlyReview``), one rule for both kinds. Each child names the
    lookup of the unit whose members write it and whose head reviews it (``unit_lookup``) and the states every
    signed-in reader sees (``public_states``).

    ``view``: the unit's members and the author see every state; administrators and leaders every report but
    other people's drafts; everybody the ``public_states``. ``change`` (edit, submit): the unit's members while the
    report is a draft or returned. ``review`` (accept, return): the unit's head while it is submitted (four eyes:
    ``core.reviews.awaiting_review`` takes the author out). Administrators may do what any role may."""

    unit_lookup: str = ""
    public_states: tuple[str, ...] = ()

    def restrict(self, user, action: str = "view"):
        if not (user.is_authenticated and user.is_active):
            return self.none()
        own_unit = Q(**{self.unit_lookup: user.unit_id}) if user.is_unit_member else Q(pk__in=[])
        if action == "view":
            visible = own_unit | Q(author_id=user.pk) | Q(state__in=self.public_states)
            if user.reads_everything:
                visible |= REPORTED
            return self.filter(visible)
        if action == "change":
            editable = Q(state__in=ReviewState.editable())
            return self.filter(editable if user.is_administrator else editable & own_unit)
        if action == "review":
            submitted = Q(state=ReviewState.SUBMITTED)
            if user.is_administrator:
                return self.filter(submitted)
            if user.is_unit_head:
                return self.filter(submitted & own_unit)
        return self.none()


class MonthlyReview(models.Model):
    """A unit's report for one month, reviewed by the unit head (``core.reviews``): draft → submitted → accepted,
    or returned with a reason and submitted again.

    Each child declares its subject, its author and ``reviewed_by`` (their related names differ) and extends the
    Meta: ``class Meta(MonthlyReview.Meta)`` with ``constraints = [*MonthlyReview.Meta.constraints, ...]``."""

    month = MonthField(_("month"), help_text=_("The first day of the month reported on."))
    state = models.CharField(_("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = CappedTextField(_("reason for return"), max_length=NOTE_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-month", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="%(app_label)s_%(class)s_month_first_day"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False),
                name="%(app_label)s_%(class)s_submitted_has_time",
            ),
        ]

    @property
    def is_editable(self) -> bool:
        return self.state in ReviewState.editable()


class ReviewProblem(models.Model):
    """A problem a month's report names, by category so that blockers can be counted (土地/资金/环保/政策/其他).
    Each child declares its key to the report and its Meta."""

    category = models.CharField(_("category"), max_length=20, choices=ProblemCategory.choices)
    description = CappedTextField(_("description"), max_length=NOTE_LENGTH)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.get_category_display()}: {self.description[:40]}"


class ImportJobQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """``view``: a user's own jobs; administrators see everybody's. ``change`` (confirm): the user's own."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if action == "view" and user.is_administrator:
            return self
        if action in ("view", "change"):
            return self.filter(user_id=user.pk)
        return self.none()


class ImportJob(models.Model):
    """An import of a large file, checked and then imported in the background: its progress and its result
    (the rows created, updated, unchanged and refused, and the first problems)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("user")
    )
    flow_key = models.CharField(_("import"), max_length=100)
    resource = models.CharField(_("resource"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    stored_file = models.CharField(_("stored file"), max_length=255, blank=True)
    file_format = models.CharField(_("file format"), max_length=10)
    phase = models.CharField(_("phase"), max_length=10, choices=JobPhase.choices, default=JobPhase.PREVIEW)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    rows_refused = models.PositiveIntegerField(_("rows refused"), default=0)
    issues = models.JSONField(_("problems"), default=list, blank=True)
    issue_count = models.PositiveIntegerField(_("number of problems"), default=0)
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    column_mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    #: Renewed by the worker while the job runs: a running job whose heartbeat stopped lost its worker.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="core_importjob_user_created"),
            models.Index(
                fields=["state", "started_at"], name="core_importjob_active", condition=Q(state__in=JobState.active())
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=models.F("rows_total")), name="%(app_label)s_%(class)s_done_within_total"
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_phase_display()} · {self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("import_job", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.state in JobState.active()

    @property
    def ok(self) -> bool:
        """Finished without a problem (a checked file that may be imported, or an import that was made)."""
        return self.state == JobState.SUCCEEDED and self.issue_count == 0 and not self.message

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ColumnMapping(models.Model):
    """A unit's answer in an import's mapping step: the field one of its sheet's headers goes to (``field`` blank:
    the column is left out), offered again the next time the unit imports into that register. Kept and read by
    ``core.imports.columns.saved_mapping`` / ``save_mapping``."""

    register = models.CharField(_("register"), max_length=100)  # the import flow's key, e.g. "safety.hazard"
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    header_key = models.CharField(_("header"), max_length=200)
    field = models.CharField(_("field"), max_length=100, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["register", "unit", "header_key"],
                condition=Q(unit__isnull=False),
                name="core_columnmapping_unique_per_unit",
            ),
            models.UniqueConstraint(
                fields=["register", "header_key"],
                condition=Q(unit__isnull=True),
                name="core_columnmapping_unique_without_unit",
            ),
        ]

    def __str__(self):
        return f"{self.register}: {self.header_key} → {self.field or '—'}"
