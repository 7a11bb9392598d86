from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardField(models.TextChoices):
    """The fields (领域) in which hazards are zeroed out (隐患清零)."""

    ROAD_TRANSPORT = "road_transport", _("Road transport")
    HIGHWAYS_BRIDGES = "highways_bridges", _("Highways and bridges")
    CONSTRUCTION = "construction", _("Construction works")
    WATERWAYS = "waterways", _("Waterway transport")
    RAILWAY_LINES = "railway_lines", _("Along railway lines")


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("Found in inspection")
    SELF_CHECK = "self_check", _("Enterprise self-check")
    PUBLIC_REPORT = "public_report", _("Public report")
    ASSIGNED = "assigned", _("Assigned by higher authority")


class HazardStatus(models.TextChoices):
    """The workflow: 待整改 → 整改中 → 待验收 → 已销号; a failed verification goes back to 整改中."""

    PENDING = "pending", _("Awaiting rectification")
    RECTIFYING = "rectifying", _("Being rectified")
    VERIFYING = "verifying", _("Awaiting verification")
    CLOSED = "closed", _("Closed")

    @classmethod
    def open(cls) -> tuple[str, ...]:
        """Statuses of a hazard not yet closed: it counts as open and can be overdue."""
        return (cls.PENDING, cls.RECTIFYING, cls.VERIFYING)


class HazardAction(models.TextChoices):
    """The steps of the workflow, as recorded in a hazard's transitions."""

    START = "start", _("Start rectification")
    REPORT = "report", _("Report rectification")
    SIGN_OFF = "sign_off", _("Leader sign-off")
    PASS = "pass", _("Verified and closed")
    FAIL = "fail", _("Verification failed")
    DOWNGRADE = "downgrade", _("Downgraded to general by a leader")
    IMPORT = "import", _("Imported from a ledger")


class PhotoKind(models.TextChoices):
    FOUND = "found", _("As found")
    RECTIFICATION = "rectification", _("Rectification")
    VERIFICATION = "verification", _("Verification")


# action → (statuses it may start from, status it leads to). The one table of legal transitions.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    HazardAction.START: ((HazardStatus.PENDING,), HazardStatus.RECTIFYING),
    HazardAction.REPORT: ((HazardStatus.RECTIFYING,), HazardStatus.VERIFYING),
    HazardAction.SIGN_OFF: ((HazardStatus.VERIFYING,), HazardStatus.VERIFYING),
    HazardAction.PASS: ((HazardStatus.VERIFYING,), HazardStatus.CLOSED),
    HazardAction.FAIL: ((HazardStatus.VERIFYING,), HazardStatus.RECTIFYING),
}
