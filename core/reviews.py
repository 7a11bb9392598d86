"""The steps of the monthly review workflow (``core.models.MonthlyReview``) that plans' progress reports and
projects' monthly progress share: submit, take up for review, accept, return with a reason. Each app's services
(``progress_report_accept``, ``progress_accept``, …) call these inside their own transaction and add what is
theirs (the measure taking the progress, the wording of the refusals).

The model's ``objects`` must have ``restrict(user, action)`` with the actions ``view``, ``change`` and ``review``,
and the model an ``author``. Two rules live here for both apps: nobody reviews an entry they wrote (four eyes:
``review_take_up``, and ``awaiting_review`` for the queues and the pages' buttons), and no entry is for a month
after the current one (``check_month``, which the create and update services and the imports call)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import clock
from .audit import set_actor
from .choices import ReviewState
from .models import MonthlyReview


@dataclass(frozen=True)
class ReviewEvents:
    """The events an app's review steps raise (``events.choices.EventKind`` values), and the unit whose head
    reviews an entry (``unit_id(entry)``: the measure's lead unit, the project's responsible unit)."""

    submitted: str
    returned: str
    accepted: str
    unit_id: Callable[[MonthlyReview], int | None]


def review_notify(entry: MonthlyReview, events: ReviewEvents) -> None:
    """Inside the step's transaction, tell whom the entry's new state concerns: submitted → the people of its
    unit who may review it now (``awaiting_review``: the head, never the author); returned (with the reason) or
    accepted → its author, if they may still see it."""
    from events.services import candidates, event_raise

    model = type(entry)
    unit_id = events.unit_id(entry)
    if entry.state == ReviewState.SUBMITTED:
        people = candidates(units=[unit_id])
        recipients = [p for p in people if awaiting_review(model.objects, p).filter(pk=entry.pk).exists()]
        kind, title = events.submitted, _("%(entry)s is submitted for your review.") % {"entry": entry}
    elif entry.state in (ReviewState.RETURNED, ReviewState.ACCEPTED):
        people = candidates(users=[entry.author_id])
        recipients = [p for p in people if model.objects.restrict(p).filter(pk=entry.pk).exists()]
        if entry.state == ReviewState.RETURNED:
            kind = events.returned
            title = _("%(entry)s was returned: %(reason)s") % {"entry": entry, "reason": entry.return_reason}
        else:
            kind, title = events.accepted, _("%(entry)s was accepted.") % {"entry": entry}
    else:
        return
    event_raise(kind=kind, obj=entry, recipients=recipients, title=title, unit=unit_id)


def first_of_month(day: datetime.date) -> datetime.date:
    """The month a monthly report is for, as its first day (the models' month_first_day constraint)."""
    return day.replace(day=1)


def check_month(month: datetime.date) -> None:
    """Refuse (under ``month``) a month after the current one: nobody reports on a month that has not begun."""
    if first_of_month(month) > first_of_month(clock.today()):
        raise ValidationError({"month": _("You cannot report on a month that has not begun.")})


def next_month_due(entries) -> datetime.date:
    """The month a new entry of ``entries`` (one measure's reports, one project's monthly progress) is for by
    default: the month after the latest one's, but never after the current month (one query)."""
    this_month = first_of_month(clock.today())
    latest = entries.order_by("-month").values_list("month", flat=True).first()
    if latest is None:
        return this_month
    return min(first_of_month(latest + datetime.timedelta(days=32)), this_month)


def awaiting_review(queryset, user):
    """What ``user`` may review of ``queryset``'s model: its ``restrict(user, "review")`` but what ``user`` wrote
    (four eyes: nobody accepts or returns their own report, not a unit head, not an administrator)."""
    return queryset.restrict(user, "review").exclude(author_id=user.pk)


def review_mark_submitted(entry: MonthlyReview) -> None:
    """Submit ``entry`` (not saved): stamped with the time, a former return reason cleared."""
    entry.state = ReviewState.SUBMITTED
    entry.submitted_at = clock.now()
    entry.return_reason = ""


def review_submit(*, user, entry: MonthlyReview, refused: str, events: ReviewEvents) -> MonthlyReview:
    """The author's unit submits a draft or returned ``entry``; ``refused`` is the message when it may not. The
    reviewers are told (``events``)."""
    model = type(entry)
    if not model.objects.restrict(user, "change").filter(pk=entry.pk).exists():
        raise PermissionDenied(refused)
    with set_actor(user), transaction.atomic():
        entry = model.objects.select_for_update().get(pk=entry.pk)
        review_mark_submitted(entry)
        entry.save(update_fields=["state", "submitted_at", "return_reason", "updated_at"])
        review_notify(entry, events)
    return entry


def review_take_up(
    *, user, entry: MonthlyReview, not_waiting: str, refused: str, related: tuple[str, ...] = ()
) -> MonthlyReview:
    """Inside the caller's transaction: lock ``entry`` (with its ``related`` rows), check it is still waiting for
    this reviewer and stamp the reviewer. ``not_waiting``: the message for a user who may see it but it is not
    submitted; ``refused``: for one who may not review it."""
    model = type(entry)
    locked = model.objects.select_for_update()
    if related:
        locked = locked.select_related(*related)
    locked = locked.get(pk=entry.pk)
    if locked.state != ReviewState.SUBMITTED and model.objects.restrict(user).filter(pk=locked.pk).exists():
        raise ValidationError(not_waiting)
    if not model.objects.restrict(user, "review").filter(pk=locked.pk).exists():
        raise PermissionDenied(refused)
    if not awaiting_review(model.objects, user).filter(pk=locked.pk).exists():  # four eyes
        raise PermissionDenied(_("You may not review your own report: somebody else accepts or returns it."))
    locked.reviewed_by = user
    locked.reviewed_at = clock.now()
    return locked


def review_accept(entry: MonthlyReview, *, events: ReviewEvents) -> None:
    """Accept an entry taken up with ``review_take_up`` (采纳); its author is told."""
    entry.state = ReviewState.ACCEPTED
    entry.save(update_fields=["state", "reviewed_by", "reviewed_at", "updated_at"])
    review_notify(entry, events)


def review_reason(reason: str, *, missing: str) -> str:
    """The reason for a return, stripped; ``missing`` is the form error when there is none."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": missing})
    return reason


def review_return(entry: MonthlyReview, *, reason: str, events: ReviewEvents) -> None:
    """Return an entry taken up with ``review_take_up`` to its author with ``reason`` (退回); the author is told."""
    entry.state = ReviewState.RETURNED
    entry.return_reason = reason
    entry.save(update_fields=["state", "return_reason", "reviewed_by", "reviewed_at", "updated_at"])
    review_notify(entry, events)
