import re

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitQuerySet(models.QuerySet):
    """Units by responsibility (see ``Unit.RESPONSIBILITIES``)."""

    def supervising_safety(self):
        return self.filter(supervises_safety=True)

    def keeping_duty_roster(self):
        return self.filter(keeps_duty_roster=True)

    def enforcing_law(self):
        return self.filter(enforces_law=True)


class Unit(models.Model):
    """A section of the bureau (科室) or a subordinate unit (二级单位).

    What a unit is responsible for across the portal is kept here as data (flags edited by administrators in the
    admin site), so that a reorganisation needs no deploy. The apps' permission rules read these flags through
    ``User.supervises_safety`` and its siblings, and never look a unit up by name."""

    #: The responsibility flags, in the order the admin site shows them.
    RESPONSIBILITIES = ("supervises_safety", "keeps_duty_roster", "enforces_law")

    class Kind(models.TextChoices):
        SECTION = "section", _("Internal section")
        SUBORDINATE = "subordinate", _("Subordinate unit")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SECTION)
    overseeing_leader = models.ForeignKey(
        "organisation.User",
        verbose_name=_("overseeing leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overseen_units",
        limit_choices_to={"role": "leader"},
        help_text=_("The bureau leader in charge of this unit (分管领导)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    supervises_safety = models.BooleanField(
        _("supervises safety"),
        default=False,
        help_text=_(
            "Safety supervision (安全监管): its staff and head read every unit's hazards and verify their "
            "rectification."
        ),
    )
    keeps_duty_roster = models.BooleanField(
        _("keeps the duty roster"),
        default=False,
        help_text=_("Emergency duty (应急值守): its staff and head keep the duty roster, special periods and drills."),
    )
    enforces_law = models.BooleanField(
        _("enforces the law"),
        default=False,
        help_text=_("Law enforcement (执法检查): its staff and head make inspections and random draws, and lead them."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("plans:measure_list") + f"?unit={self.pk}"

    def import_names(self) -> list[str]:
        """What an import file may call the unit: its name, its short name and the other names administrators
        keep for it (``aliases``: former names, common abbreviations; prefetch them)."""
        return [self.name, self.short_name, *(alias.name for alias in self.aliases.all())]


class UnitAlias(models.Model):
    """Another name bureaus write a unit with (a former name, an abbreviation), recognised by every import."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=50, unique=True)
    note = models.CharField(_("note"), max_length=100, blank=True, help_text=_("For example: the name until 2019."))

    class Meta:
        verbose_name = _("other name of a unit")
        verbose_name_plural = _("other names of units")
        ordering = ["unit", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        taken = Unit.objects.filter(Q(name=self.name) | Q(short_name=self.name))
        if self.unit_id is not None:
            taken = taken.exclude(pk=self.unit_id)
        if self.name and taken.exists():
            raise ValidationError({"name": _("“%(name)s” is already another unit's name.") % {"name": self.name}})


class Township(models.Model):
    """One of Liuyang's township-level divisions (街道 / 镇 / 乡): editable reference data, kept in the database."""

    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", pgettext_lazy("division kind", "Subdistrict")
        TOWN = "town", pgettext_lazy("division kind", "Town")
        TOWNSHIP = "township", pgettext_lazy("division kind", "Township")

    name = models.CharField(_("name"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        help_text=_("The statistical division code, e.g. 430181201."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Clear this for a division merged away; its records keep it.")
    )

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="%(app_label)s_%(class)s_unique_code"),
        ]

    def __str__(self):
        return self.name

    # The suffix that says what kind of division a name is; bureaus often leave it out (淮川 for 淮川街道).
    KIND_SUFFIX = re.compile(r"(街道办事处|街道办|街道|镇|乡)$")

    @classmethod
    def stem(cls, name: str) -> str:
        """``name`` without its 街道 / 镇 / 乡 suffix (unchanged when nothing would be left)."""
        return cls.KIND_SUFFIX.sub("", name) or name

    def import_names(self) -> list[str]:
        """What an import file may call the township: its name or its division code."""
        return [self.name, self.code]


class User(AbstractUser):
    """A bureau user. What they may do follows from their role and their unit."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        UNIT_HEAD = "unit_head", _("Unit head")
        LEADER = "leader", _("Bureau leader")
        ADMIN = "admin", _("Administrator")

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["unit__sort_order", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["leader", "admin"]) | Q(unit__isnull=False),
                name="%(app_label)s_%(class)s_unit_member_has_unit",
                violation_error_message=_("Staff and unit heads must belong to a unit."),
            ),
            models.CheckConstraint(
                condition=Q(is_staff=False) | Q(role="admin"),
                name="%(app_label)s_%(class)s_only_admins_use_admin_site",
                violation_error_message=_("Only administrators may use the admin site."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    def get_absolute_url(self):
        return reverse("admin:organisation_user_change", args=[self.pk])

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN

    @property
    def is_leader(self) -> bool:
        return self.role == self.Role.LEADER

    @property
    def is_unit_head(self) -> bool:
        return self.role == self.Role.UNIT_HEAD

    @property
    def is_unit_member(self) -> bool:
        """Staff and unit heads: they write for their own unit."""
        return self.role in (self.Role.STAFF, self.Role.UNIT_HEAD) and self.unit_id is not None

    @property
    def reads_everything(self) -> bool:
        return self.is_administrator or self.is_leader

    # What the user's unit is responsible for (staff and unit heads only; see Unit.RESPONSIBILITIES). The apps'
    # rules add administrators where they should.

    def _unit_has(self, responsibility: str) -> bool:
        return self.is_unit_member and getattr(self.unit, responsibility)

    @property
    def supervises_safety(self) -> bool:
        """Staff or head of a unit that supervises safety (安全监管)."""
        return self._unit_has("supervises_safety")

    @property
    def keeps_duty_roster(self) -> bool:
        """Staff or head of a unit that keeps the duty roster and drill records (应急值守)."""
        return self._unit_has("keeps_duty_roster")

    @property
    def enforces_law(self) -> bool:
        """Staff or head of a law-enforcement unit: makes inspections and random draws (执法检查)."""
        return self._unit_has("enforces_law")
