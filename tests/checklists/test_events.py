"""The checklists' workflow events (issues 14 and 18): a responsible unit's comment reaches the lead unit, its
adoption or answer the comment's author, the step that leaves the checklist ready its responsible leader, and the
signature the units that took part; each reaches nobody else, and each answered step rests in the bell.

Personas: alice staff and carol head of unit A (lead unit of item 1), bob staff and dave head of unit B (lead unit of
the computed item 2, responsible for item 1); leo the bureau leader who signs; eve staff of unit C (no part)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from checklists import services
from events.choices import EventKind
from events.models import Event
from organisation.models import User
from reminders.models import Notification
from reminders.selectors import bell_lines
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everybody(alice, carol, bob, dave, leo, admin_user):
    eve = UserFactory(username="eve", unit=UnitFactory(name="运输管理科"))
    other_leader = UserFactory(username="lin", role=User.Role.LEADER)
    return {p.username: p for p in (alice, carol, bob, dave, leo, admin_user, eve, other_leader)}


def told(kind) -> dict[str, int]:
    rows = Notification.objects.filter(event__kind=kind).values_list("recipient__username", flat=True)
    return {name: list(rows).count(name) for name in set(rows)}


def resting(user) -> set[str]:
    """The kinds of ``user``'s bell lines that rest (folded away)."""
    return {line.event.kind for line in bell_lines(user).filter(resting=True, event__isnull=False)}


def test_a_comment_reaches_the_lead_unit_and_its_answer_the_author(run, everybody, alice, bob, item_a):
    comment = run(services.comment_add, user=bob, item=item_a, text="通车率应为98%")
    assert told(EventKind.CHECKLIST_COMMENTED) == {"alice": 1, "carol": 1}  # not bob, not unit C, not leo
    assert "通车率应为98%" in Event.objects.get(kind=EventKind.CHECKLIST_COMMENTED).title
    run(services.comment_answer, user=alice, comment=comment, reason="以交通运输部统计口径为准")
    assert told(EventKind.CHECKLIST_COMMENT_RESOLVED) == {"bob": 1}
    assert "以交通运输部统计口径为准" in Event.objects.get(kind=EventKind.CHECKLIST_COMMENT_RESOLVED).title
    assert EventKind.CHECKLIST_COMMENTED in resting(everybody["carol"])  # answered: it asks nothing more
    assert EventKind.CHECKLIST_COMMENT_RESOLVED in resting(bob)


def test_the_step_that_leaves_it_ready_tells_its_leader_once(run, everybody, alice, bob, leo, item_a, computed_item):
    run(services.item_fill, user=alice, item=item_a, value=Decimal("100"), self_score=Decimal("10"))
    assert not told(EventKind.CHECKLIST_READY)  # item 2 is not filled yet
    comment = run(services.comment_add, user=alice, item=computed_item, text="请核对")
    run(services.item_fill, user=bob, item=computed_item, self_score=Decimal("5"))
    assert not told(EventKind.CHECKLIST_READY)  # a comment is still open
    run(services.comment_adopt, user=bob, comment=comment, note="已核对")
    assert told(EventKind.CHECKLIST_READY) == {"leo": 1}  # the named leader only, not lin
    run(services.item_fill, user=alice, item=item_a, value=Decimal("99"), self_score=Decimal("9"))
    assert told(EventKind.CHECKLIST_READY) == {"leo": 1}  # it was ready already: not told again


def test_the_signature_tells_the_units_that_took_part_and_rests_the_leaders_line(
    run, everybody, alice, bob, leo, item_a, computed_item, checklist
):
    run(services.item_fill, user=alice, item=item_a, value=Decimal("100"), self_score=Decimal("10"))
    run(services.item_fill, user=bob, item=computed_item, self_score=Decimal("5"))
    assert told(EventKind.CHECKLIST_READY) == {"leo": 1}
    assert EventKind.CHECKLIST_READY not in resting(leo)
    run(services.checklist_sign, user=leo, checklist=checklist)
    assert told(EventKind.CHECKLIST_SIGNED) == {"alice": 1, "carol": 1, "bob": 1, "dave": 1}
    assert EventKind.CHECKLIST_READY in resting(leo)


def test_a_refused_comment_tells_nobody(run, everybody, item_a):
    with pytest.raises(PermissionDenied):
        run(services.comment_add, user=everybody["eve"], item=item_a, text="越权")
    assert not Event.objects.exists()
