"""The self-check flow through the services: fill, comment, adopt / answer, sign, freeze; who may do each."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from checklists import services
from checklists.choices import CommentState
from checklists.models import ChecklistItem, Submission
from tests.factories import UserFactory

PDF = b"%PDF-1.4 evidence"


def test_the_lead_unit_fills_an_entered_item_with_evidence(alice, item_a, tmp_media):
    upload = SimpleUploadedFile("通客车证明.pdf", PDF, content_type="application/pdf")
    services.item_fill(
        user=alice,
        item=item_a,
        value=Decimal("98.5"),
        self_score=Decimal("8.5"),
        explanation="两村未通",
        evidence=[upload],
    )
    item_a.refresh_from_db()
    assert (item_a.value, item_a.self_score, item_a.filled_by) == (Decimal("98.5"), Decimal("8.5"), alice)
    assert [file.original_name for file in item_a.evidence.all()] == ["通客车证明.pdf"]
    entry = LogEntry.objects.get_for_object(item_a).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == alice


def test_an_entered_item_needs_its_value(alice, item_a):
    with pytest.raises(ValidationError) as error:
        services.item_fill(user=alice, item=item_a, self_score=Decimal("5"))
    assert "value" in error.value.message_dict


def test_a_self_score_above_full_marks_is_refused(alice, item_a):
    with pytest.raises(ValidationError) as error:
        services.item_fill(user=alice, item=item_a, value=Decimal("100"), self_score=Decimal("10.5"))
    assert error.value.message_dict == {"self_score": [_("The self-score is from 0 to the item's full marks.")]}


def test_the_database_refuses_a_score_above_full_marks(item_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistItem.objects.filter(pk=item_a.pk).update(self_score=Decimal("11"))


def test_a_computed_item_takes_the_portals_figure_whatever_is_given(bob, computed_item):
    services.item_fill(user=bob, item=computed_item, value=Decimal("12"), self_score=Decimal("4"))
    computed_item.refresh_from_db()
    assert computed_item.value == services.item_value(computed_item)


@pytest.mark.parametrize("persona", ["bob", "carol_other_unit", "leo", "admin_user"])
def test_only_the_lead_unit_fills(request, persona, item_a, unit_b):
    if persona == "carol_other_unit":
        user = UserFactory(username="eve", unit=unit_b, role="unit_head")
    else:
        user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.item_fill(user=user, item=item_a, value=Decimal("1"), self_score=Decimal("1"))


def test_a_head_of_the_lead_unit_fills_too(carol, item_a):
    services.item_fill(user=carol, item=item_a, value=Decimal("100"), self_score=Decimal("10"))


def test_only_responsible_units_comment(alice, bob, leo, admin_user, item_a):
    comment = services.comment_add(user=bob, item=item_a, text="我科统计为98%")
    assert (comment.unit_id, comment.state) == (bob.unit_id, CommentState.OPEN)
    for user in (alice, leo, admin_user):
        with pytest.raises(PermissionDenied):
            services.comment_add(user=user, item=item_a, text="意见")


def test_the_lead_unit_adopts_or_answers_with_a_reason(alice, bob, item_a):
    first = services.comment_add(user=bob, item=item_a, text="数据不一致")
    second = services.comment_add(user=bob, item=item_a, text="缺佐证")
    with pytest.raises(PermissionDenied):
        services.comment_adopt(user=bob, comment=first)
    services.comment_adopt(user=alice, comment=first)
    with pytest.raises(ValidationError) as error:
        services.comment_answer(user=alice, comment=second, reason="  ")
    assert error.value.message_dict["reason"] == [_("Give the reason the comment is not adopted.")]
    services.comment_answer(user=alice, comment=second, reason="佐证已在附件二")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state, second.answer) == ("adopted", "answered", "佐证已在附件二")
    with pytest.raises(ValidationError):
        services.comment_adopt(user=alice, comment=second)


def test_signing_needs_every_item_filled_and_every_comment_answered(alice, bob, leo, item_a, computed_item):
    services.item_fill(user=alice, item=item_a, value=Decimal("100"), self_score=Decimal("10"))
    with pytest.raises(ValidationError, match="2"):
        services.checklist_sign(user=leo, checklist=item_a.checklist)
    services.item_fill(user=bob, item=computed_item, self_score=Decimal("5"))
    comment = services.comment_add(user=bob, item=item_a, text="请核实")
    with pytest.raises(ValidationError):
        services.checklist_sign(user=leo, checklist=item_a.checklist)
    services.comment_adopt(user=alice, comment=comment)
    submission = services.checklist_sign(user=leo, checklist=item_a.checklist)
    assert submission.signed_by == leo
    assert submission.total_score == Decimal("15")
    assert [row["number"] for row in submission.rows] == [1, 2]
    assert submission.rows[0]["value"] == "100" and submission.rows[0]["lead_unit"] == item_a.lead_unit.name


def test_only_a_leader_signs_and_the_named_one(alice, carol, admin_user, filled, checklist):
    other_leader = UserFactory(username="leo2", role="leader", unit=None)
    for user in (alice, carol, admin_user, other_leader):
        with pytest.raises(PermissionDenied):
            services.checklist_sign(user=user, checklist=checklist)
    assert not Submission.objects.exists()


def test_any_leader_signs_a_checklist_that_names_none(admin_user, filled, checklist):
    services.checklist_update(user=admin_user, checklist=checklist, responsible_leader=None)
    other_leader = UserFactory(username="leo2", role="leader", unit=None)
    services.checklist_sign(user=other_leader, checklist=checklist)


def test_a_signed_checklist_is_frozen_for_every_service(alice, bob, leo, admin_user, filled, checklist):
    item_a, computed_item = filled
    comment = services.comment_add(user=bob, item=item_a, text="意见")
    services.comment_adopt(user=alice, comment=comment)
    services.checklist_sign(user=leo, checklist=checklist)
    frozen = _("This checklist is signed: its submission can no longer change.")
    attempts = [
        lambda: services.item_fill(user=alice, item=item_a, value=Decimal("1"), self_score=Decimal("1")),
        lambda: services.comment_add(user=bob, item=item_a, text="再提意见"),
        lambda: services.item_update(user=admin_user, item=item_a, full_marks=Decimal("20")),
        lambda: services.checklist_update(user=admin_user, checklist=checklist, deadline=datetime.date(2021, 1, 5)),
        lambda: services.checklist_sign(user=leo, checklist=checklist),
        lambda: services.checklist_delete(user=admin_user, checklist=checklist),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.messages == [frozen]


def test_the_database_refuses_to_change_or_delete_a_submission(filled, leo, checklist):
    submission = services.checklist_sign(user=leo, checklist=checklist)
    with pytest.raises(DatabaseError), transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(total_score=Decimal("0"))
    with pytest.raises(DatabaseError), transaction.atomic():
        Submission.objects.filter(pk=submission.pk).delete()
    submission.refresh_from_db()
    assert submission.total_score == Decimal("15")


def test_only_administrators_define_checklists(alice, leo, checklist):
    for user in (alice, leo):
        with pytest.raises(PermissionDenied):
            services.checklist_update(user=user, checklist=checklist, title="改名")


def test_a_computed_item_names_a_known_figure(admin_user, checklist, unit_a):
    with pytest.raises(ValidationError) as error:
        services.item_create(
            user=admin_user,
            checklist=checklist,
            number=9,
            name="未知",
            target="1",
            scoring_rule="—",
            full_marks=Decimal("1"),
            lead_unit=unit_a,
            source="computed",
            figure_key="nowhere.nothing",
        )
    assert "figure_key" in error.value.message_dict
