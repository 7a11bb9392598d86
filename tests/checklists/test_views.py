"""The pages: wiring, refusals (an item one may not see is a 404), the frozen submission through the pages, the
export, and query counts that do not grow with the rows."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from checklists import services
from checklists.export import COLUMNS
from checklists.models import ChecklistItem
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_years_checklists(login, alice, checklist, item_a):
    page = login(alice).get(reverse("checklists:checklist_list"), {"year": 2020})
    assert page.status_code == 200
    assert checklist.title in page.content.decode()


def test_a_unit_without_items_sees_no_checklist(login, item_a):
    stranger = UserFactory(username="zoe", unit=UnitFactory(name="财务审计科"))
    client = login(stranger)
    assert (
        item_a.checklist.title not in client.get(reverse("checklists:checklist_list"), {"year": 2020}).content.decode()
    )
    assert client.get(item_a.checklist.get_absolute_url()).status_code == 404
    assert client.get(item_a.get_absolute_url()).status_code == 404
    assert client.post(reverse("checklists:item_fill", args=[item_a.pk]), {"self_score": "1"}).status_code == 404


def test_the_lead_unit_fills_an_item_on_its_page(login, alice, item_a, tmp_media):
    client = login(alice)
    page = client.get(item_a.get_absolute_url())
    assert 'id="fill-form"' in page.content.decode()
    upload = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    answer = client.post(
        reverse("checklists:item_fill", args=[item_a.pk]),
        {"value": "99", "self_score": "9", "explanation": "一村未通", "evidence": [upload]},
    )
    assert answer.status_code == 302
    item_a.refresh_from_db()
    assert (item_a.value, item_a.self_score) == (Decimal("99"), Decimal("9"))
    evidence = item_a.evidence.get()
    assert client.get(evidence.get_absolute_url()).status_code == 200


def test_a_score_above_full_marks_shows_under_its_field(login, alice, item_a):
    answer = login(alice).post(reverse("checklists:item_fill", args=[item_a.pk]), {"value": "99", "self_score": "11"})
    assert answer.status_code == 400
    assert answer.context["fill_form"].errors["self_score"] == [_("The self-score is from 0 to the item's full marks.")]


def test_a_responsible_unit_may_not_fill_but_comments(login, bob, alice, item_a):
    client = login(bob)
    page = client.get(item_a.get_absolute_url()).content.decode()
    assert 'id="fill-form"' not in page and 'id="comment-form"' in page
    assert (
        client.post(reverse("checklists:item_fill", args=[item_a.pk]), {"value": "1", "self_score": "1"}).status_code
        == 403
    )
    assert client.post(reverse("checklists:comment_add", args=[item_a.pk]), {"text": "数据有出入"}).status_code == 302
    comment = item_a.comments.get()
    assert (
        client.post(reverse("checklists:comment_resolve", args=[comment.pk]), {"decision": "adopt"}).status_code
        == 403  # he reads his comment; only the lead unit answers it
    )
    lead = login(alice)
    lead.post(reverse("checklists:comment_resolve", args=[comment.pk]), {"decision": "answer", "reason": ""})
    comment.refresh_from_db()
    assert comment.state == "open"  # an answer needs its reason
    lead.post(
        reverse("checklists:comment_resolve", args=[comment.pk]), {"decision": "answer", "reason": "以统计局数据为准"}
    )
    comment.refresh_from_db()
    assert (comment.state, comment.answer) == ("answered", "以统计局数据为准")


def test_only_the_leader_sees_and_uses_the_sign_button(login, alice, leo, filled, checklist):
    url = reverse("checklists:checklist_sign", args=[checklist.pk])
    assert 'id="sign-form"' not in login(alice).get(checklist.get_absolute_url()).content.decode()
    assert login(alice).post(url).status_code == 403
    client = login(leo)
    assert 'id="sign-form"' in client.get(checklist.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 302
    assert checklist.submission.signed_by == leo


def test_a_signed_submission_cannot_change_through_the_pages(login, alice, bob, leo, filled, checklist):
    item_a, _computed = filled
    services.checklist_sign(user=leo, checklist=checklist)
    lead = login(alice)
    assert 'id="fill-form"' not in lead.get(item_a.get_absolute_url()).content.decode()
    answer = lead.post(reverse("checklists:item_fill", args=[item_a.pk]), {"value": "1", "self_score": "1"})
    assert answer.status_code == 400
    assert login(bob).post(reverse("checklists:comment_add", args=[item_a.pk]), {"text": "晚了"}).status_code == 400
    login(leo).post(reverse("checklists:checklist_sign", args=[checklist.pk]))
    item_a.refresh_from_db()
    assert item_a.value == Decimal("100") and not item_a.comments.exists()


def test_the_export_is_the_fixed_format(login, leo, filled, checklist):
    services.checklist_sign(user=leo, checklist=checklist)
    answer = login(leo).get(reverse("checklists:submission_export", args=[checklist.pk]))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "2020年真抓实干督查激励指标自评"
    assert list(rows[2]) == COLUMNS
    assert rows[3][:7] == (1, "建制村通客车率", "%", "100", 100, 10, 10)
    assert rows[3][9] == filled[0].lead_unit.name
    assert rows[-1][0] == "合计" and rows[-1][5] == 15


def test_there_is_no_export_before_the_signature(login, leo, filled, checklist):
    assert login(leo).get(reverse("checklists:submission_export", args=[checklist.pk])).status_code == 404


def test_a_unit_reads_only_its_rows_of_the_submission(login, alice, leo, admin_user, filled, checklist):
    other = services.item_create(
        user=admin_user,
        checklist=checklist,
        number=3,
        name="价格惠民",
        target="落实",
        scoring_rule="未落实不得分",
        full_marks=Decimal("5"),
        lead_unit=UnitFactory(name="运输管理科"),
    )
    ChecklistItem.objects.filter(pk=other.pk).update(
        value=Decimal("1"), self_score=Decimal("5"), filled_by=leo, filled_at=timezone.now()
    )
    services.checklist_sign(user=leo, checklist=checklist)
    sheet = load_workbook(
        io.BytesIO(login(alice).get(reverse("checklists:submission_export", args=[checklist.pk])).content)
    ).active
    names = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert "价格惠民" not in names and "建制村通客车率" in names


def _add_items(admin_user, checklist, unit_a, unit_b, count: int, start: int):
    for number in range(start, start + count):
        item = services.item_create(
            user=admin_user,
            checklist=checklist,
            number=number,
            name=f"指标{number}",
            target="1",
            scoring_rule="—",
            full_marks=Decimal("1"),
            lead_unit=unit_a,
            responsible_units=[unit_b],
        )
        services.comment_add(user=UserFactory(username=f"c{number}", unit=unit_b), item=item, text="意见")


@pytest.mark.parametrize("persona", ["alice", "leo"])
def test_the_detail_and_list_queries_do_not_grow_with_the_rows(
    request, login, persona, admin_user, checklist, unit_a, unit_b
):
    client = login(request.getfixturevalue(persona))
    counts = []
    for start, count in ((1, 2), (3, 12)):
        _add_items(admin_user, checklist, unit_a, unit_b, count, start)
        services.checklist_create(
            user=admin_user, year=2020, kind="acceptance", title=f"验收{start}", deadline=checklist.deadline
        )
        with CaptureQueriesContext(connection) as detail:
            assert client.get(checklist.get_absolute_url()).status_code == 200
        with CaptureQueriesContext(connection) as listing:
            assert client.get(reverse("checklists:checklist_list"), {"year": 2020}).status_code == 200
        counts.append((len(detail), len(listing)))
    assert counts[0] == counts[1]
