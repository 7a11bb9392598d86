"""The checklists' lines in the to-do (issues 14 and 18): the lead unit's items to fill and comments to answer, the
leader's checklists ready to sign; nothing of another unit's items, nothing once signed; every line opens a page its
reader may open, and the counts do not grow the queries with the rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists import services
from tests.factories import UnitFactory, UserFactory
from todo.selectors import todo_counts, todo_groups

pytestmark = pytest.mark.django_db


def lines(user, key):
    part = next((p for g in todo_groups(user) for p in g.parts if p.source.key == key), None)
    return [] if part is None else part.lines


def test_the_lead_unit_sees_its_items_to_fill_and_the_comments_to_answer(alice, bob, item_a, computed_item):
    eve = UserFactory(username="eve", unit=UnitFactory(name="运输管理科"))
    assert [line.title.split(" · ")[1] for line in lines(alice, "checklists.fill")] == ["1. 建制村通客车率"]
    assert [line.title.split(" · ")[1] for line in lines(bob, "checklists.fill")] == ["2. 隐患清零率"]
    assert not lines(eve, "checklists.fill")  # unit C leads nothing
    services.comment_add(user=bob, item=item_a, text="请核对口径")
    answer = lines(alice, "checklists.answer")
    assert len(answer) == 1 and answer[0].note == "请核对口径"
    assert answer[0].url.endswith(f"#comment-{item_a.comments.get().pk}")
    assert not lines(bob, "checklists.answer")  # the commenter is not the one to answer


def test_the_leader_sees_a_checklist_once_ready_and_nothing_once_signed(login, alice, leo, item_a, filled, checklist):
    assert not lines(alice, "checklists.fill")
    ready = lines(leo, "checklists.sign")
    assert [line.title for line in ready] == [str(checklist)]
    assert login(leo).get(ready[0].url).status_code == 200
    services.checklist_sign(user=leo, checklist=checklist)
    assert not lines(leo, "checklists.sign")


def test_a_signed_checklist_asks_nothing_of_anybody(alice, bob, leo, admin_user, checklist, item_a, computed_item):
    services.comment_add(user=bob, item=item_a, text="请核对")
    assert todo_counts(alice)["checklists.answer"] == 1
    comment = item_a.comments.get()
    services.comment_adopt(user=alice, comment=comment)
    services.item_fill(user=alice, item=item_a, value=Decimal("100"), self_score=Decimal("10"))
    services.item_fill(user=bob, item=computed_item, self_score=Decimal("5"))
    services.checklist_sign(user=leo, checklist=checklist)
    for person in (alice, bob):
        assert todo_counts(person)["checklists.fill"] == todo_counts(person)["checklists.answer"] == 0
    assert todo_counts(leo)["checklists.sign"] == 0


def test_the_counts_take_one_query_whatever_the_rows(admin_user, alice, checklist, item_a, unit_a):
    with CaptureQueriesContext(connection) as few:
        small = todo_counts(alice)["checklists.fill"]
    for number in range(3, 13):
        services.item_create(
            user=admin_user,
            checklist=checklist,
            number=number,
            name=f"指标{number}",
            unit_of_measure="%",
            target="100",
            scoring_rule="按比例扣分。",
            full_marks=Decimal("5"),
            lead_unit=unit_a,
        )
    with CaptureQueriesContext(connection) as many:
        assert todo_counts(alice)["checklists.fill"] == small + 10
    assert len(many) == len(few) == 1
