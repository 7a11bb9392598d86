"""The checklists' deadline source (checklists/deadlines.py): each lead unit with items to fill (or comments to
answer) is reminded of the submission deadline, then the responsible leader to sign; a signed checklist never."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists import services
from checklists.choices import ChecklistKind
from checklists.models import ChecklistItem
from organisation.models import User
from reminders import registry, scan
from reminders.models import Notification
from tests.reminders.conftest import at

D = datetime.date
pytestmark = pytest.mark.django_db


TODAY, WINDOW_END = D(2020, 12, 16), D(2020, 12, 31)


def items(last_day=WINDOW_END) -> dict[str, registry.Deadline]:
    source = registry.source("checklists.checklist")
    return {item.key: item for item in source.items(today=TODAY, last_day=last_day)}


def test_each_lead_unit_with_items_to_fill_is_reminded(checklist, item_a, computed_item, unit_a, unit_b, alice):
    found = items()
    assert set(found) == {f"{checklist.pk}:{unit_a.pk}", f"{checklist.pk}:{unit_b.pk}"}
    item = found[f"{checklist.pk}:{unit_a.pk}"]
    assert (item.title, item.due_date, item.unit_id, item.url, item.user_ids) == (
        "2020 真抓实干督查激励指标自评",
        D(2020, 12, 20),
        unit_a.pk,
        checklist.get_absolute_url(),
        (),
    )
    services.item_fill(user=alice, item=item_a, value=Decimal("100"), self_score=Decimal("10"))
    assert set(items()) == {f"{checklist.pk}:{unit_b.pk}"}  # unit A has filled its item
    assert items(last_day=D(2020, 12, 19)) == {}  # not yet in the window


def test_the_responsible_leader_is_reminded_to_sign_once_everything_is_filled(checklist, filled, leo):
    found = items()
    assert set(found) == {f"{checklist.pk}:sign"}
    item = found[f"{checklist.pk}:sign"]
    assert (item.unit_id, item.user_ids) == (None, (leo.pk,))
    assert item.title.startswith("2020 真抓实干督查激励指标自评 · ")


def test_a_comment_waiting_for_an_answer_reminds_the_lead_unit(checklist, filled, bob, unit_a):
    item_a, _computed = filled
    services.comment_add(user=bob, item=item_a, text="两村未通班车，数值偏高")
    assert set(items()) == {f"{checklist.pk}:{unit_a.pk}"}


def test_without_a_responsible_leader_nobody_in_particular_is_reminded_to_sign(checklist, filled, admin_user):
    services.checklist_update(user=admin_user, checklist=checklist, responsible_leader=None)
    assert items() == {}


def test_a_signed_checklist_is_never_yielded(checklist, filled, leo):
    services.checklist_sign(user=leo, checklist=checklist)
    assert items(last_day=D(2021, 6, 30)) == {}


def test_exactly_those_who_may_fill_the_items_are_reminded(checklist, item_a, computed_item, alice, carol, bob, dave):
    with at(D(2020, 12, 17)):
        scan.run_scan()
    reminded = set(Notification.objects.filter(source="checklists.checklist").values_list("recipient", flat=True))
    may_fill = {
        user.pk
        for user in User.objects.all()
        if ChecklistItem.objects.restrict(user, "fill").filter(checklist=checklist).exists()
    }
    assert reminded == may_fill
    assert set(User.objects.filter(pk__in=reminded).values_list("username", flat=True)) == {
        "alice", "carol", "bob", "dave"
    }  # fmt: skip  # units A and B's staff and heads; not leo, not the administrator


def test_the_leader_alone_is_reminded_to_sign(checklist, filled, carol, dave):
    with at(D(2020, 12, 17)):
        scan.run_scan()
    reminded = Notification.objects.filter(source="checklists.checklist").values_list("recipient__username", flat=True)
    assert set(reminded) == {"leo"}


def test_one_query_whatever_the_number_of_checklists(checklist, item_a, computed_item, admin_user, unit_a):
    for number in range(3):
        other = services.checklist_create(
            user=admin_user,
            year=2020,
            kind=ChecklistKind.ACCEPTANCE,
            title=f"验收清单{number}",
            deadline=D(2020, 12, 25),
        )
        services.item_create(
            user=admin_user,
            checklist=other,
            number=1,
            name="客运站场建设",
            target="完成",
            scoring_rule="完成得满分。",
            full_marks=Decimal("10"),
            lead_unit=unit_a,
        )
    with CaptureQueriesContext(connection) as queries:
        found = items()
    assert len(queries) == 1  # the items of unsigned checklists in the window, grouped by checklist and lead unit
    assert len(found) == 5
