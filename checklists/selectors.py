"""Reads of the checklists app: the year's checklists, a checklist with the items a user may see, a submission's
rows as the user may see them, and ``results(year)`` for the year's summary."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

from .choices import CommentState
from .models import Checklist, ChecklistItem, ItemComment


def checklists_for(user, year: int):
    """The year's checklists ``user`` may see, with their item counts and signature (1 query)."""
    return Checklist.objects.restrict(user).filter(year=year).for_list().order_by("kind", "title")


def years_for(user) -> list[int]:
    return sorted(set(Checklist.objects.restrict(user).values_list("year", flat=True)), reverse=True)


def items_for(user, checklist: Checklist):
    """The checklist's items ``user`` may see, with their units, evidence and comments (4 queries)."""
    comments = ItemComment.objects.select_related("unit", "author", "resolved_by").order_by("created_at", "pk")
    return (
        ChecklistItem.objects.restrict(user)
        .filter(checklist=checklist)
        .select_related("lead_unit", "filled_by")
        .prefetch_related("responsible_units", "evidence", Prefetch("comments", queryset=comments))
        .annotate(open_comments=Count("comments", filter=Q(comments__state=CommentState.OPEN), distinct=True))
        .order_by("number")
    )


def submission_rows(user, submission) -> list[dict]:
    """The signed rows ``user`` may see: all of them for those who read everything, the rows of the items their
    unit leads or is responsible for otherwise (1 query)."""
    if user.reads_everything:
        return submission.rows
    visible = set(
        ChecklistItem.objects.restrict(user).filter(checklist_id=submission.checklist_id).values_list("pk", flat=True)
    )
    return [row for row in submission.rows if row["item"] in visible]


@dataclass
class ItemResult:
    number: int
    name: str
    unit_of_measure: str
    target: str
    value: Decimal | None
    score: Decimal | None
    full_marks: Decimal


@dataclass
class ChecklistResult:
    pk: int
    title: str
    kind: str
    signed: bool
    items: list[ItemResult]

    @property
    def score(self) -> Decimal:
        return sum((item.score or Decimal("0") for item in self.items), Decimal("0"))

    @property
    def full_marks(self) -> Decimal:
        return sum((item.full_marks for item in self.items), Decimal("0"))


def results(year: int) -> list[ChecklistResult]:
    """Every checklist of ``year`` (all of them: for the year's summary, which the office drafts) with its items'
    value, self-score and full marks — as signed when the checklist is signed, as filled so far otherwise (a
    value or score not yet given is None). In the checklists' order (kind, title) and the items' (number); 2
    queries whatever the number of checklists and items."""
    checklists = (
        Checklist.objects.filter(year=year)
        .select_related("submission")
        .prefetch_related(Prefetch("items", queryset=ChecklistItem.objects.order_by("number")))
        .order_by("kind", "title")
    )
    answer = []
    for checklist in checklists:
        submission = getattr(checklist, "submission", None)
        if submission is not None:
            items = [
                ItemResult(
                    number=row["number"],
                    name=row["name"],
                    unit_of_measure=row["unit_of_measure"],
                    target=row["target"],
                    value=None if row["value"] is None else Decimal(row["value"]),
                    score=Decimal(row["self_score"]),
                    full_marks=Decimal(row["full_marks"]),
                )
                for row in submission.rows
            ]
        else:
            items = [
                ItemResult(
                    number=item.number,
                    name=item.name,
                    unit_of_measure=item.unit_of_measure,
                    target=item.target,
                    value=item.value,
                    score=item.self_score,
                    full_marks=item.full_marks,
                )
                for item in checklist.items.all()
            ]
        answer.append(
            ChecklistResult(
                pk=checklist.pk,
                title=checklist.title,
                kind=checklist.get_kind_display(),
                signed=submission is not None,
                items=items,
            )
        )
    return answer
