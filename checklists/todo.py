"""What of the self-check checklists awaits a user, declared to the to-do (``todo.registry``): the items their unit
leads still to fill, the responsible units' comments still to adopt or answer (the lead unit), and the checklists
ready for a leader's signature — of checklists not yet signed, by the rules of ``querysets``."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from todo.registry import Group, TodoLine, TodoSource, days_late

from .choices import CommentState
from .models import Checklist, ChecklistItem, ItemComment


def items_to_fill(user, today):
    if not user.is_unit_member:
        return None
    return (
        ChecklistItem.objects.restrict(user, "fill")
        .filter(filled_at__isnull=True, checklist__submission__isnull=True)
        .select_related("checklist")
        .order_by("checklist__deadline", "checklist_id", "number")
    )


def item_line(item, today):
    return TodoLine(
        title=f"{item.checklist} · {item.number}. {item.name}",
        url=item.get_absolute_url() + "#fill-form",
        date=item.checklist.deadline,
        date_label=_("Submission deadline"),
        overdue_days=days_late(item.checklist.deadline, today),
    )


def comments_to_answer(user, today):
    if not user.is_unit_member:
        return None
    return (
        ItemComment.objects.restrict(user, "resolve")
        .filter(state=CommentState.OPEN, item__checklist__submission__isnull=True)
        .select_related("item__checklist", "unit")
        .order_by("created_at", "pk")
    )


def comment_line(comment, today):
    return TodoLine(
        title=f"{comment.item.checklist} · {comment.item.number}. {comment.item.name} · {comment.unit}",
        url=comment.get_absolute_url(),
        date=timezone.localdate(comment.created_at),
        date_label=_("Commented"),
        note=comment.text,
    )


def checklists_to_sign(user, today):
    if not user.is_leader:
        return None
    return Checklist.objects.restrict(user, "sign").ready_to_sign().order_by("deadline", "pk")


def checklist_line(checklist, today):
    return TodoLine(
        title=str(checklist),
        url=checklist.get_absolute_url() + "#sign-form",
        date=checklist.deadline,
        date_label=_("Submission deadline"),
        overdue_days=days_late(checklist.deadline, today),
    )


SOURCES = [
    TodoSource(
        key="checklists.fill",
        group=Group.CHECKLISTS,
        label=gettext_lazy("Checklist items to fill in"),
        items=items_to_fill,
        line=item_line,
    ),
    TodoSource(
        key="checklists.answer",
        group=Group.CHECKLISTS,
        label=gettext_lazy("Comments to adopt or answer"),
        items=comments_to_answer,
        line=comment_line,
    ),
    TodoSource(
        key="checklists.sign",
        group=Group.CHECKLISTS,
        label=gettext_lazy("Checklists to sign"),
        items=checklists_to_sign,
        line=checklist_line,
    ),
]
