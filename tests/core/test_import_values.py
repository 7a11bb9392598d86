"""Values as bureaus write them: 一般隐患 and the other words ledgers use for choices, 是/否, units by their short
or other names (kept by administrators), enterprises by name or credit code however spaced, townships with or
without 街道 / 镇 / 乡, plates with dots and spaces."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.imports.runner import run_import
from core.imports.widgets import ChoiceWidget, NameIndex, YesNoWidget
from organisation.imports import township_widget, unit_widget
from organisation.models import Township, Unit, UnitAlias
from safety.choices import HazardLevel, HazardSource
from safety.models import Hazard
from safety.resources import LEVEL_SYNONYMS, HazardResource
from tests.enterprises.factories import EnterpriseFactory, VehicleFactory

pytestmark = pytest.mark.django_db

HEADERS = "所属领域,隐患等级,隐患来源,乡镇,隐患地点,隐患描述,排查日期,责任单位,整改时限,企业,车牌号"


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADERS, *rows]) + "\n").encode("utf-8")


def test_choices_match_labels_codes_and_the_registers_synonyms_whatever_the_spacing_and_width():
    widget = ChoiceWidget(HazardLevel, synonyms=LEVEL_SYNONYMS)
    assert widget.clean("一般隐患") == HazardLevel.GENERAL
    assert widget.clean(" 重大 隐患 ") == HazardLevel.MAJOR
    assert widget.clean("ＭＡＪＯＲ") == HazardLevel.MAJOR  # full-width, any case
    assert widget.clean("general") == HazardLevel.GENERAL
    with pytest.raises(ValueError, match="较大隐患"):
        widget.clean("较大隐患")


def test_yes_and_no_as_people_write_them():
    widget = YesNoWidget()
    assert [widget.clean(value) for value in ("是", "Y", "√", "1", "有")] == [True] * 5
    assert [widget.clean(value) for value in ("否", "", None, "×", "无", "N")] == [False] * 6
    with pytest.raises(ValueError):
        widget.clean("也许")


def test_townships_with_or_without_their_suffix_and_an_exact_name_first():
    widget = township_widget()
    huaichuan = Township.objects.get(name="淮川街道")
    huaichuan.code = "430181001"
    huaichuan.save()
    assert widget.clean("淮川") == huaichuan
    assert widget.clean("淮川镇") == huaichuan  # the suffix written wrong still finds the one 淮川
    assert widget.clean(huaichuan.code) == huaichuan
    with pytest.raises(ValueError, match="火星"):
        widget.clean("火星镇")


def test_a_stem_shared_by_two_townships_is_ambiguous_not_guessed():
    Township.objects.create(name="测试镇", kind=Township.Kind.TOWN)
    Township.objects.create(name="测试乡", kind=Township.Kind.TOWNSHIP)
    widget = township_widget()
    assert widget.clean("测试镇").name == "测试镇"  # the exact name wins
    with pytest.raises(ValueError, match="不止一个"):
        widget.clean("测试")


def test_units_by_name_short_name_and_the_other_names_administrators_keep(unit_a, django_assert_max_num_queries):
    UnitAlias.objects.create(unit=unit_a, name="规划科")
    UnitAlias.objects.create(unit=unit_a, name="建设规划股")
    widget = unit_widget()
    with django_assert_max_num_queries(2):  # the units and their aliases, once per import
        assert [widget.clean(name) for name in ("规划建设科", "规建科", "规划科", "建设规划股 ")] == [unit_a] * 4


def test_an_other_name_may_not_be_another_units_name(unit_a, unit_b):
    with pytest.raises(ValidationError) as error:
        UnitAlias(unit=unit_a, name=unit_b.short_name).full_clean()
    assert "name" in error.value.message_dict
    UnitAlias(unit=unit_a, name=unit_a.short_name + "（原）").full_clean()


def test_names_ignore_spaces_case_and_full_width_forms(unit_a):
    index = NameIndex(Unit.objects.all(), ("name", "short_name"))
    assert index.get("规 建 科") == unit_a


def test_a_ledger_written_the_bureaus_way_imports(alice, unit_a):
    """一般隐患, 重大隐患, a township without its suffix, a unit by another name, an enterprise by a lower-case
    spaced credit code, a plate with a middle dot."""
    UnitAlias.objects.create(unit=unit_a, name="规划科")
    enterprise = EnterpriseFactory()
    vehicle = VehicleFactory(enterprise=enterprise)
    spaced_code = " ".join([enterprise.credit_code[:6].lower(), enterprise.credit_code[6:]])
    dotted_plate = vehicle.plate[:2].lower() + "·" + vehicle.plate[2:]
    data = csv(
        f"道路运输,一般隐患,执法检查,淮川,白沙路,护栏缺失。,2020年4月1日,规划科,2020/5/1,{spaced_code},{dotted_plate}",
        "公路,重大隐患,企业自查,集里,金阳大道,边坡落石。,2020.4.2,规建科,2020-06-30,,",
    )
    outcome = run_import(resource=HazardResource(user=alice), data=data, fmt="csv", user=alice, dry_run=False)
    assert outcome.ok, [str(issue) for issue in outcome.issues]
    first, second = Hazard.objects.order_by("found_on")
    assert (first.level, first.source, first.township.name) == (
        HazardLevel.GENERAL,
        HazardSource.INSPECTION,
        "淮川街道",
    )
    assert (first.responsible_unit, first.enterprise, first.vehicle) == (unit_a, enterprise, vehicle)
    assert (second.level, second.township.name, second.field) == (HazardLevel.MAJOR, "集里街道", "highways_bridges")


def test_the_unit_admin_keeps_other_names_inline(admin_client, unit_a, unit_b):
    url = reverse("admin:organisation_unit_change", args=[unit_a.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and b"aliases-TOTAL_FORMS" in page.content
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        {
            "name": unit_a.name,
            "short_name": unit_a.short_name,
            "kind": unit_a.kind,
            "sort_order": unit_a.sort_order,
            "overseeing_leader": unit_a.overseeing_leader_id or "",
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-0-name": unit_b.name,  # another unit's name: refused
            "aliases-0-note": "",
        }
    )
    for flag in Unit.RESPONSIBILITIES:
        if getattr(unit_a, flag):
            data[flag] = "on"
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and not UnitAlias.objects.exists()
    data["aliases-0-name"] = "规划科"
    saved = admin_client.post(url, data)
    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved
    assert list(unit_a.aliases.values_list("name", flat=True)) == ["规划科"]


def test_row_errors_name_the_chinese_column_and_never_say_field_or_null(alice, unit_a):
    data = csv(
        "道路运输,一般隐患,执法检查,淮川,白沙路,,2020-04-01,规划科,2020-05-01,,",  # no description
        "道路运输,较大隐患,执法检查,火星,白沙路,护栏缺失。,,规建科,2020-05-01,,",  # unknown level and township
    )
    with translation.override("zh-hans"):
        outcome = run_import(resource=HazardResource(user=alice), data=data, fmt="csv", user=alice, dry_run=True)
    issues = {(issue.row, issue.column): issue.message for issue in outcome.issues}
    assert not outcome.ok
    assert set(issues) >= {(2, "隐患描述"), (2, "责任单位"), (3, "隐患等级"), (3, "乡镇（街道）")}, issues
    for (_row, column), message in issues.items():
        assert column and "Field" not in message and "null" not in message and "字段" not in message, (column, message)
