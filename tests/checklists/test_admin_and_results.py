"""The admin door (saves through the services; a signed checklist refuses a change there too) and
``selectors.results(year)`` for the year's summary."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from checklists import selectors, services
from checklists.models import ChecklistItem, Submission
from dashboard.summary import summary_docx, year_summary

pytestmark = pytest.mark.django_db


def _item_form(item, **changes) -> dict:
    data = {
        "number": item.number,
        "name": item.name,
        "unit_of_measure": item.unit_of_measure,
        "target": item.target,
        "scoring_rule": item.scoring_rule,
        "full_marks": str(item.full_marks),
        "weight": str(item.weight),
        "lead_unit": item.lead_unit_id,
        "source": item.source,
        "figure_key": item.figure_key,
        "figure_param": item.figure_param,
        "responsible_units": [unit.pk for unit in item.responsible_units.all()],
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_an_administrator_changes_an_item_through_the_service(login, admin_user, item_a):
    url = reverse("admin:checklists_checklistitem_change", args=[item_a.pk])
    answer = login(admin_user).post(url, _item_form(item_a, full_marks="12"))
    assert answer.status_code == 302
    item_a.refresh_from_db()
    assert item_a.full_marks == Decimal("12")


def test_the_admin_refuses_an_unknown_figure_under_its_field(login, admin_user, item_a):
    url = reverse("admin:checklists_checklistitem_change", args=[item_a.pk])
    answer = login(admin_user).post(url, _item_form(item_a, source="computed", figure_key="nowhere"))
    assert answer.status_code == 200
    assert "figure_key" in answer.context["adminform"].form.errors


def test_the_self_check_fields_are_read_only_in_the_admin(login, admin_user, item_a):
    url = reverse("admin:checklists_checklistitem_change", args=[item_a.pk])
    login(admin_user).post(url, _item_form(item_a, value="5", self_score="5"))
    item_a.refresh_from_db()
    assert (item_a.value, item_a.self_score) == (None, None)


def test_a_signed_checklist_cannot_change_through_the_admin(login, admin_user, leo, filled, checklist):
    item_a, _computed = filled
    services.checklist_sign(user=leo, checklist=checklist)
    client = login(admin_user)
    answer = client.post(
        reverse("admin:checklists_checklistitem_change", args=[item_a.pk]), _item_form(item_a, full_marks="20")
    )
    assert answer.status_code == 200 and answer.context["adminform"].form.errors
    assert ChecklistItem.objects.get(pk=item_a.pk).full_marks == Decimal("10")
    submission = Submission.objects.get()
    assert client.get(reverse("admin:checklists_submission_change", args=[submission.pk])).status_code == 200
    assert (
        client.post(reverse("admin:checklists_submission_delete", args=[submission.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Submission.objects.filter(pk=submission.pk).exists()


def test_results_give_each_checklist_its_items_value_score_and_full_marks(leo, filled, checklist, admin_user):
    services.checklist_create(
        user=admin_user, year=2020, kind="acceptance", title="城乡客运一体化示范县验收", deadline=checklist.deadline
    )
    before = selectors.results(2020)
    assert [(result.title, result.signed) for result in before] == [
        ("城乡客运一体化示范县验收", False),  # by kind: acceptance standards, then incentive indicators
        ("真抓实干督查激励指标自评", False),
    ]
    first = before[1]
    assert [(item.number, item.value, item.score, item.full_marks) for item in first.items][0] == (
        1,
        Decimal("100"),
        Decimal("10"),
        Decimal("10"),
    )
    services.checklist_sign(user=leo, checklist=checklist)
    signed = selectors.results(2020)[1]
    assert signed.signed and (signed.score, signed.full_marks) == (Decimal("15"), Decimal("15"))
    assert [item.value for item in signed.items] == [item.value for item in first.items]
    assert selectors.results(2021) == []


def test_results_take_two_queries(django_assert_num_queries, filled):
    # the checklists with their submissions; their items
    with django_assert_num_queries(2):
        selectors.results(2020)


def test_the_years_summary_gives_each_checklists_self_check(leo, filled, checklist):
    services.checklist_sign(user=leo, checklist=checklist)
    result = selectors.results(2020)[0]
    paragraphs = [p.text for p in Document(io.BytesIO(summary_docx(year_summary(2020)))).paragraphs]
    assert "四、督查激励指标自查与验收" in paragraphs  # after the safety section
    at = paragraphs.index(f"（一）{checklist.title}")
    assert paragraphs[at + 1] == f"{result.kind}，已签署：自评{result.score}分（满分{result.full_marks}分）。"
    first = result.items[0]
    assert paragraphs[at + 2].startswith(f"{first.number}. {first.name}：目标{first.target}，完成{first.value}")
