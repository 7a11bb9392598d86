from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """What happened to an item of a workflow, as its notification says."""

    REPORT_SUBMITTED = "report_submitted", _("Report submitted for review")
    REPORT_RETURNED = "report_returned", _("Report returned")
    REPORT_ACCEPTED = "report_accepted", _("Report accepted")
    PROGRESS_SUBMITTED = "progress_submitted", _("Monthly progress submitted for review")
    PROGRESS_RETURNED = "progress_returned", _("Monthly progress returned")
    PROGRESS_ACCEPTED = "progress_accepted", _("Monthly progress accepted")
    SUPERVISION_PLACED = "supervision_placed", _("Placed under supervision")
    SUPERVISION_LIFTED = "supervision_lifted", _("Supervision lifted")
    INSTRUCTION_GIVEN = "instruction_given", _("Leader's instruction (批示)")
    RECTIFICATION_REPORTED = "rectification_reported", _("Rectification to verify")
    VERIFICATION_FAILED = "verification_failed", _("Verification failed")
    SIGN_OFF_NEEDED = "sign_off_needed", _("Sign-off needed")
    HAZARD_VERIFIED = "hazard_verified", _("Hazard verified")
    HAZARD_SIGNED_OFF = "hazard_signed_off", _("Hazard signed off")
    CHECKLIST_COMMENTED = "checklist_commented", _("Checklist item commented on")
    CHECKLIST_COMMENT_RESOLVED = "checklist_comment_resolved", _("Checklist comment adopted or answered")
    CHECKLIST_READY = "checklist_ready", _("Checklist ready to sign")
    CHECKLIST_SIGNED = "checklist_signed", _("Checklist signed")
    IMPORT_FINISHED = "import_finished", _("Import finished")
    IMPORT_FAILED = "import_failed", _("Import failed")

    @classmethod
    def closing(cls) -> list[str]:
        """The events after which their item asks nothing more of its recipient (the bell collapses them)."""
        return [
            cls.REPORT_ACCEPTED,
            cls.PROGRESS_ACCEPTED,
            cls.SUPERVISION_LIFTED,
            cls.HAZARD_VERIFIED,
            cls.CHECKLIST_COMMENT_RESOLVED,
            cls.CHECKLIST_SIGNED,
            cls.IMPORT_FINISHED,
        ]
