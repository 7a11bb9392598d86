"""The checklists' submission deadlines, declared to the reminders app (``reminders.registry``). An unsigned
checklist is open until its deadline and after: each lead unit with items still to fill is reminded (its staff and
head: the people ``ChecklistItem.objects.restrict(user, "fill")`` lets fill them), and so is a lead unit whose
items carry comments still waiting for its answer; once every item is filled and every comment resolved, the
checklist's responsible leader is reminded to sign (a checklist naming none is signed by any leader: nobody in
particular is reminded). A signed checklist is never yielded. One query whatever the number of checklists."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from reminders.registry import Deadline, DeadlineSource, url_maker

from .choices import CommentState
from .models import ChecklistItem


def open_checklists(*, today, last_day):
    url = url_maker("checklists:checklist_detail")
    rows = (
        ChecklistItem.objects.filter(checklist__submission__isnull=True, checklist__deadline__lte=last_day)
        .values_list(
            "checklist_id",
            "checklist__year",
            "checklist__title",
            "checklist__deadline",
            "checklist__responsible_leader_id",
            "lead_unit_id",
        )
        .annotate(
            unfilled=Count("pk", filter=Q(filled_at__isnull=True), distinct=True),
            open_comments=Count("comments", filter=Q(comments__state=CommentState.OPEN), distinct=True),
        )
        .order_by("checklist_id", "lead_unit_id")
    )
    checklists: dict[int, tuple] = {}
    to_do: dict[int, list[int]] = {}
    for pk, year, title, due, leader_id, unit_id, unfilled, open_comments in rows:
        checklists[pk] = (f"{year} {title}", due, leader_id)
        if unfilled or open_comments:
            to_do.setdefault(pk, []).append(unit_id)
    for pk, (title, due, leader_id) in checklists.items():
        if pk in to_do:
            for unit_id in to_do[pk]:
                yield Deadline(f"{pk}:{unit_id}", title, due, unit_id, url(pk))
        elif leader_id:
            yield Deadline(f"{pk}:sign", f"{title} · {_('to sign')}", due, None, url(pk), (leader_id,))


SOURCES = [DeadlineSource(key="checklists.checklist", label=_("Checklist submissions"), items=open_checklists)]
