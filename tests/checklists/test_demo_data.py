"""The demo checklists, loaded by ``manage.py load_demo_data``: filled through the services by the demo units, the
computed items showing the registry's figures, comments adopted or answered, nothing signed; safe to load again."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from checklists import registry
from checklists.choices import CommentState, DataSource
from checklists.models import Checklist, ChecklistItem, ItemComment, Submission

pytestmark = pytest.mark.django_db


def load() -> None:
    call_command("load_demo_data", stdout=io.StringIO())


def counts() -> list[int]:
    return [model.objects.count() for model in (Checklist, ChecklistItem, ItemComment, LogEntry)]


def test_the_demo_checklists_load_twice_unchanged():
    load()
    first = counts()
    assert set(Checklist.objects.values_list("title", flat=True)) == {
        "真抓实干督查激励指标自评",
        "城乡客运一体化示范县创建验收",
    }
    assert not Submission.objects.exists()  # a leader signs in the demo
    load()
    assert counts() == first


def test_computed_items_show_the_registrys_figures_and_entered_ones_their_lead_units_values():
    load()
    computed = ChecklistItem.objects.filter(source=DataSource.COMPUTED).select_related("checklist")
    assert {item.figure_key for item in computed} == {
        "projects.investment_rate",
        "plans.on_time_rate",
        "safety.zero_out_rate",
        "inspections.draws_published",
    }
    for item in computed:
        assert item.value == registry.compute(item.figure_key, item.checklist.year, item.figure_param)
        assert item.value is not None
    for item in ChecklistItem.objects.filter(filled_at__isnull=False).select_related("filled_by", "lead_unit"):
        assert item.filled_by.unit_id == item.lead_unit_id  # filled by the lead unit, through the service
        assert LogEntry.objects.get_for_object(item).filter(actor=item.filled_by).exists()
    unfilled = ChecklistItem.objects.filter(filled_at__isnull=True)
    assert list(unfilled.values_list("name", flat=True)) == ["信息化（客运车辆动态监控接入率）"]


def test_one_comment_is_adopted_and_the_value_corrected_one_answered_with_a_reason():
    load()
    comments = {comment.item.name: comment for comment in ItemComment.objects.select_related("item", "unit")}
    adopted, answered = comments["镇村公交覆盖率"], comments["重点项目投资完成率"]
    assert set(comments) == {"镇村公交覆盖率", "重点项目投资完成率"}
    assert (adopted.state, adopted.unit.name, adopted.item.value_text) == (
        CommentState.ADOPTED,
        "道路运输服务中心",
        "68.8",
    )
    assert answered.state == CommentState.ANSWERED and answered.answer.startswith("督查激励按项目完成投资统计")
    assert answered.resolved_by.unit_id == answered.item.lead_unit_id
