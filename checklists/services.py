"""Writes of the checklists app: the definition of checklists and items (administrators, in the admin site), the
self-check (the lead unit fills each item and adopts or answers the responsible units' comments) and the leader's
signature, which freezes the submission. Every door (pages, API, admin, demo) calls these; each runs in a
transaction under the acting user for the audit history (``core.writes``)."""

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from core import clock
from core.uploads import check_attachment, stored_file_create
from core.writes import Writes, check_editable, refusal
from events.choices import EventKind
from events.services import candidates, event_raise, who_may
from organisation.models import User

from . import registry
from .choices import CommentState, DataSource
from .models import Checklist, ChecklistItem, EvidenceFile, ItemComment, Submission


def _require_open(checklist: Checklist) -> None:
    """Nothing of a signed checklist changes: its submission is frozen."""
    if Submission.objects.filter(checklist_id=checklist.pk).exists():
        raise ValidationError(_("This checklist is signed: its submission can no longer change."))


def _lock_open(writes: Writes, checklist: Checklist) -> None:
    """Inside the write's transaction: lock the checklist (a signature waits for the write, and the write for a
    signature under way) and refuse if it is signed."""
    _require_open(writes.lock(checklist))


# Definition (administrators) ----------------------------------------------------------------------------------

#: What the admin site edits of a checklist and of an item (the self-check fields are the workflow's).
CHECKLIST_FIELDS = ("year", "kind", "title", "deadline", "responsible_leader", "description")
ITEM_FIELDS = (
    "number",
    "name",
    "unit_of_measure",
    "target",
    "scoring_rule",
    "full_marks",
    "weight",
    "lead_unit",
    "source",
    "figure_key",
    "figure_param",
)


def checklist_create(*, user, is_demo: bool = False, writes: Writes | None = None, **values) -> Checklist:
    writes = writes or Writes()
    check_editable(values, CHECKLIST_FIELDS)
    if not user.is_administrator:
        raise refusal(_("Only administrators define checklists."))
    checklist = Checklist(is_demo=is_demo, **values)
    with writes.atomic(user):
        writes.clean(checklist)
        writes.save(checklist)
    return checklist


def checklist_update(*, user, checklist: Checklist, writes: Writes | None = None, **changes) -> Checklist:
    writes = writes or Writes()
    check_editable(changes, CHECKLIST_FIELDS)
    writes.require(user, "change", checklist, _("Only administrators define checklists."))
    _require_open(checklist)
    with writes.atomic(user):
        checklist = writes.lock(checklist)
        for name, value in changes.items():
            setattr(checklist, name, value)
        writes.clean(checklist)
        writes.save(checklist)
    return checklist


def _check_figure(item: ChecklistItem) -> None:
    if item.source == DataSource.COMPUTED and registry.figure(item.figure_key) is None:
        raise ValidationError({"figure_key": _("The portal computes no such figure.")})
    if item.source == DataSource.ENTERED and (item.figure_key or item.figure_param):
        raise ValidationError({"figure_key": _("An entered item takes no figure.")})


def item_create(
    *,
    user,
    checklist: Checklist,
    responsible_units: Sequence = (),
    is_demo: bool = False,
    writes: Writes | None = None,
    **values,
) -> ChecklistItem:
    writes = writes or Writes()
    check_editable(values, ITEM_FIELDS)
    writes.require(user, "change", checklist, _("Only administrators define checklists."))
    _require_open(checklist)
    item = ChecklistItem(checklist=checklist, is_demo=is_demo, **values)
    _check_figure(item)
    with writes.atomic(user):
        writes.clean(item)
        writes.save(item)
        writes.set_related(item, "responsible_units", responsible_units)
    return item


def item_update(
    *, user, item: ChecklistItem, responsible_units: Sequence | None = None, writes: Writes | None = None, **changes
) -> ChecklistItem:
    writes = writes or Writes()
    check_editable(changes, ITEM_FIELDS)
    writes.require(user, "change", item, _("Only administrators define checklists."))
    _require_open(item.checklist)
    with writes.atomic(user):
        item = writes.lock(item)
        for name, value in changes.items():
            setattr(item, name, value)
        _check_figure(item)
        writes.clean(item)
        writes.save(item)
        if responsible_units is not None:
            writes.set_related(item, "responsible_units", responsible_units)
    return item


def checklist_delete(*, user, checklist: Checklist) -> None:
    """Delete an unsigned checklist with its items (a signed one is kept: its submission protects it)."""
    writes = Writes()
    writes.require(user, "change", checklist, _("Only administrators define checklists."))
    _require_open(checklist)
    with writes.atomic(user):
        writes.delete(writes.lock(checklist))


# The self-check (the lead unit) -------------------------------------------------------------------------------


def item_value(item: ChecklistItem) -> Decimal | None:
    """What the portal computes for a computed item now (its checklist's year, its figure's parameter)."""
    return registry.compute(item.figure_key, item.checklist.year, item.figure_param)


def item_fill(
    *,
    user,
    item: ChecklistItem,
    self_score: Decimal,
    explanation: str = "",
    value: Decimal | None = None,
    evidence: Sequence = (),
    writes: Writes | None = None,
) -> ChecklistItem:
    """The lead unit's self-check of an item: its value (a computed item takes the portal's figure, whatever is
    given), its self-score (0 … full marks), an explanation and evidence files (added to those already given)."""
    writes = writes or Writes()
    writes.require(user, "fill", item, _("Only the item's lead unit fills it in."))
    if item.is_computed:
        value = item_value(item)
    elif value is None:
        raise ValidationError({"value": _("Enter the value reached.")})
    if not 0 <= self_score <= item.full_marks:
        raise ValidationError({"self_score": _("The self-score is from 0 to the item's full marks.")})
    for upload in evidence:
        check_attachment(upload)
    with writes.atomic(user):
        _lock_open(writes, item.checklist)
        was_ready = _is_ready(item.checklist)
        item = writes.lock(item)
        item.value, item.self_score, item.explanation = value, self_score, explanation.strip()
        item.filled_by, item.filled_at = user, clock.now()
        writes.clean(item)
        writes.save(item)
        writes.save_parts(
            lambda: [stored_file_create(model=EvidenceFile, upload=upload, user=user, item=item) for upload in evidence]
        )
        writes.notify(lambda: _readiness_events(item.checklist, was_ready=was_ready))
    return item


def evidence_remove(*, user, evidence: EvidenceFile, writes: Writes | None = None) -> None:
    writes = writes or Writes()
    writes.require(user, "fill", evidence.item, _("Only the item's lead unit fills it in."))
    with writes.atomic(user):
        _lock_open(writes, evidence.item.checklist)
        writes.delete(evidence)


# Comments (responsible units) and their resolution (the lead unit) ------------------------------------------


def comment_add(*, user, item: ChecklistItem, text: str, writes: Writes | None = None) -> ItemComment:
    writes = writes or Writes()
    writes.require(user, "comment", item, _("Only the item's responsible units comment on it."))
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    comment = ItemComment(item=item, unit_id=user.unit_id, author=user, text=text.strip())
    with writes.atomic(user):
        _lock_open(writes, item.checklist)
        writes.clean(comment)
        writes.save(comment)
        writes.notify(lambda: _comment_events(comment))
    return comment


def _resolve(*, user, comment: ItemComment, state: str, answer: str, writes: Writes) -> ItemComment:
    writes.require(user, "resolve", comment.item, _("Only the item's lead unit answers its comments."))
    with writes.atomic(user):
        _lock_open(writes, comment.item.checklist)
        comment = writes.lock(comment)
        if comment.state != CommentState.OPEN:
            raise ValidationError(_("This comment has been answered already."))
        comment.state, comment.answer = state, answer.strip()
        comment.resolved_by, comment.resolved_at = user, clock.now()
        writes.clean(comment)
        writes.save(comment)
        writes.notify(lambda: _comment_events(comment))
        writes.notify(lambda: _readiness_events(comment.item.checklist, was_ready=False))
    return comment


def comment_adopt(*, user, comment: ItemComment, note: str = "", writes: Writes | None = None) -> ItemComment:
    """The lead unit takes the comment on (and corrects the item if need be)."""
    return _resolve(user=user, comment=comment, state=CommentState.ADOPTED, answer=note, writes=writes or Writes())


def comment_answer(*, user, comment: ItemComment, reason: str, writes: Writes | None = None) -> ItemComment:
    """The lead unit keeps its figure and says why (a reason is required)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the comment is not adopted.")})
    return _resolve(user=user, comment=comment, state=CommentState.ANSWERED, answer=reason, writes=writes or Writes())


# Events: whom each step hands the checklist to, by the rules of ``querysets`` ----------------------------------


def _comment_events(comment: ItemComment) -> None:
    """A comment → the lead unit's members, who adopt or answer it; adopted or answered → its author."""
    item = comment.item
    if comment.state == CommentState.OPEN:
        lead_unit = candidates(units=[item.lead_unit_id]).exclude(pk=comment.author_id)
        people = who_may(ChecklistItem.objects, "resolve", item, lead_unit)
        title = _("%(unit)s commented on item %(number)s of %(checklist)s: %(text)s") % {
            "unit": comment.unit,
            "number": item.number,
            "checklist": item.checklist,
            "text": comment.text,
        }
        event_raise(kind=EventKind.CHECKLIST_COMMENTED, obj=comment, recipients=people, title=title)
        return
    people = who_may(ChecklistItem.objects, "view", item, candidates(users=[comment.author_id]))
    if comment.state == CommentState.ADOPTED:
        message = _("Your comment on item %(number)s of %(checklist)s was adopted. %(answer)s")
    else:
        message = _("Your comment on item %(number)s of %(checklist)s was answered: %(answer)s")
    title = message % {"number": item.number, "checklist": item.checklist, "answer": comment.answer}
    event_raise(kind=EventKind.CHECKLIST_COMMENT_RESOLVED, obj=comment, recipients=people, title=title.strip())


def _readiness_events(checklist: Checklist, *, was_ready: bool) -> None:
    """The step that leaves the checklist ready to sign (every item filled, every comment answered) → the leaders
    who may sign it."""
    if was_ready or not _is_ready(checklist):
        return
    leaders = who_may(Checklist.objects, "sign", checklist, candidates(q=Q(role=User.Role.LEADER)))
    title = _("%(checklist)s is filled in and every comment answered: it is ready for your signature.") % {
        "checklist": checklist
    }
    event_raise(kind=EventKind.CHECKLIST_READY, obj=checklist, recipients=leaders, title=title)


def _signed_events(checklist: Checklist, user) -> None:
    """The signature → the members of the units that lead or answer for its items."""
    units = set(checklist.items.values_list("lead_unit_id", flat=True))
    units.update(
        ChecklistItem.responsible_units.through.objects.filter(checklistitem__checklist=checklist).values_list(
            "unit_id", flat=True
        )
    )
    people = candidates(units=units).exclude(pk=user.pk)
    title = _("%(checklist)s was signed by %(leader)s: its submission is frozen.") % {
        "checklist": checklist,
        "leader": user,
    }
    event_raise(kind=EventKind.CHECKLIST_SIGNED, obj=checklist, recipients=people, title=title)


def _is_ready(checklist: Checklist) -> bool:
    return Checklist.objects.ready_to_sign().filter(pk=checklist.pk).exists()


# The signature (a leader) ---------------------------------------------------------------------------------------


def _snapshot_row(item: ChecklistItem) -> dict:
    return {
        "item": item.pk,
        "number": item.number,
        "name": item.name,
        "unit_of_measure": item.unit_of_measure,
        "target": item.target,
        "source": item.source,
        "value": None if item.value is None else item.value_text,
        "self_score": str(item.self_score),
        "full_marks": str(item.full_marks),
        "weight": str(item.weight),
        "explanation": item.explanation,
        "lead_unit": item.lead_unit.name,
        "filled_by": str(item.filled_by),
        "evidence": [{"id": file.pk, "name": file.original_name, "size": file.size} for file in item.evidence.all()],
    }


def checklist_sign(*, user, checklist: Checklist, writes: Writes | None = None) -> Submission:
    """The leader signs: once every item is filled and every comment adopted or answered, the submission is
    frozen as it stands (a ``Submission``: values, self-scores, evidence list, who signed, when)."""
    writes = writes or Writes()
    writes.require(user, "sign", checklist, _("Only the checklist's responsible leader signs it."))
    with writes.atomic(user):
        checklist = writes.lock(checklist)
        _require_open(checklist)
        items = list(
            checklist.items.select_related("lead_unit", "filled_by").prefetch_related("evidence").order_by("number")
        )
        if not items:
            raise ValidationError(_("The checklist has no items."))
        unfilled = [str(item.number) for item in items if not item.is_filled]
        if unfilled:
            raise ValidationError(_("Items not yet filled in: %(items)s.") % {"items": "、".join(unfilled)})
        if ItemComment.objects.filter(item__checklist=checklist, state=CommentState.OPEN).exists():
            raise ValidationError(_("Some comments are still waiting for the lead unit's answer."))
        submission = Submission(
            checklist=checklist,
            signed_by=user,
            signed_at=clock.now(),
            total_score=sum((item.self_score for item in items), Decimal("0")),
            rows=[_snapshot_row(item) for item in items],
        )
        writes.clean(submission)
        writes.save(submission)
        writes.notify(lambda: _signed_events(checklist, user))
    return submission
