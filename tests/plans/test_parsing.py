from pathlib import Path

import pytest
from django.conf import settings

from plans.parsing import ParsedMeasure, PlanParseError, parse_plan

if not settings.configured:  # run without pytest-django: the error messages' gettext needs settings
    settings.configure(USE_I18N=False)

from django.utils import translation  # noqa: E402

SEED = Path(__file__).resolve().parents[2] / "plans" / "demo" / "plan_2020.txt"


@pytest.fixture(scope="module")
def seed_plan():
    return parse_plan(SEED.read_text(encoding="utf-8"))


def error_lines(text):
    with pytest.raises(PlanParseError) as excinfo:
        parse_plan(text)
    return [line for line, _message in excinfo.value.errors]


def titles(plan):
    return [task.title for task in plan.key_tasks]


def measure_titles(task):
    return [measure.title for measure in task.measures]


# --- The seed: 浏阳市交通运输局2020年工作计划 ----------------------------


def test_seed_title_and_year(seed_plan):
    assert seed_plan.title == "浏阳市交通运输局2020年工作计划"
    assert seed_plan.year == 2020


def test_seed_key_tasks(seed_plan):
    assert titles(seed_plan) == [
        "全力推进交通项目建设",
        "着力提高运输服务品质",
        "致力提升行业治理水平",
        "竭力守住安全发展底线",
        "努力加强行业党的建设",
    ]
    assert [task.number for task in seed_plan.key_tasks] == [1, 2, 3, 4, 5]
    assert [task.line for task in seed_plan.key_tasks] == [17, 19, 21, 23, 25]
    assert [len(task.measures) for task in seed_plan.key_tasks] == [4, 4, 4, 5, 5]


def test_seed_preamble_measures_are_not_taken(seed_plan):
    # "发展机遇方面。一是国家宏观政策的机遇。…" precedes the first heading.
    all_titles = [m.title for task in seed_plan.key_tasks for m in task.measures]
    assert "国家宏观政策的机遇" not in all_titles


def test_seed_first_task_measures(seed_plan):
    task = seed_plan.key_tasks[0]
    assert measure_titles(task) == ["做好规划编制", "扎实推进项目", "实施路网优化", "促进示范带动"]
    first = task.measures[0]
    assert first.number == 1
    assert first.line == 17
    assert first.text == (
        "做好规划编制。科学编制“十四五”交通规划、湘赣边交通互联互通规划。积极与上级部门衔接协调,"
        "争取将江干高速东延线、湘赣边高速浏阳段纳入“十四五”规划,加大资金争取力度,抓好项目落地。"
    )


def test_seed_measure_without_short_title_sentence(seed_plan):
    measure = seed_plan.key_tasks[2].measures[0]
    assert measure.title == "理顺交通运输综合行政执法体制"
    assert (
        measure.text == "理顺交通运输综合行政执法体制,归并行业内所有执法力量,组建执法大队。全面推进行政执法“三项制度”。"
    )


def test_seed_last_measures_stop_before_signature(seed_plan):
    assert seed_plan.key_tasks[3].measures[4] == ParsedMeasure(
        number=5,
        title="继续做好铁路安全环境整治工作",
        text="继续做好铁路安全环境整治工作,保障铁路运输安全畅通。",
        line=23,
    )
    last = seed_plan.key_tasks[4].measures[4]
    assert last.text.endswith("凝聚人心促发展。")
    assert "浏阳市交通运输局" not in last.text


def test_seed_spaces_next_to_chinese_are_dropped(seed_plan):
    # The source has "坚持 “管行业必须管安全…".
    assert seed_plan.key_tasks[3].measures[0].text.startswith("完善安全责任体系。坚持“管行业必须管安全,")


# --- Heading styles and layout ---------------------------------------------


@pytest.mark.parametrize(
    "first, second",
    [("1.", "2."), ("1．", "2．"), ("1、", "2、"), ("（一）", "（二）"), ("(一)", "(二)"), ("一、", "二、")],
)
def test_heading_styles(first, second):
    plan = parse_plan(f"{first}加快项目建设。一是做好规划。二是推进项目。\n{second}提升服务质量。一是优化公交。\n")
    assert titles(plan) == ["加快项目建设", "提升服务质量"]
    assert measure_titles(plan.key_tasks[0]) == ["做好规划", "推进项目"]
    assert [task.line for task in plan.key_tasks] == [1, 2]


def test_measures_on_following_lines():
    plan = parse_plan(
        "（一）加快项目建设\n\n一是做好规划编制。科学编制规划。\n二是扎实推进项目。\n\n（二）提升服务质量\n一是优化公交。\n"
    )
    first, second = plan.key_tasks
    assert first.title == "加快项目建设"
    assert [(m.number, m.line, m.text) for m in first.measures] == [
        (1, 3, "做好规划编制。科学编制规划。"),
        (2, 4, "扎实推进项目。"),
    ]
    assert second.measures[0].line == 7


def test_sections_and_guarantees_are_skipped():
    plan = parse_plan(
        "浏阳市交通运输局2021年工作要点\n"
        "一、总体要求\n"
        "坚持稳中求进，推动高质量发展。\n"
        "二、重点任务\n"
        "（一）加快项目建设。一是做好规划编制。二是扎实推进项目。\n"
        "（二）提升服务质量。一是优化公交线路；二是规范网约车。\n"
        "三、保障措施\n"
        "一是加强组织领导。二是强化督查考核。\n"
    )
    assert titles(plan) == ["加快项目建设", "提升服务质量"]
    assert [task.line for task in plan.key_tasks] == [5, 6]
    assert plan.title == "浏阳市交通运输局2021年工作要点"
    assert plan.year == 2021


def test_guarantee_section_in_the_task_style_is_skipped():
    plan = parse_plan(
        "1.加快项目建设。一是做好规划。\n2.提升服务质量。一是优化公交。\n3.保障措施。一是加强组织领导。\n"
    )
    assert titles(plan) == ["加快项目建设", "提升服务质量"]


def test_measures_separated_by_semicolons():
    plan = parse_plan("1.提升服务质量：一是优化公交线路；二是规范网约车;三是整治出租车。\n")
    task = plan.key_tasks[0]
    assert task.title == "提升服务质量"
    assert [m.text for m in task.measures] == ["优化公交线路", "规范网约车", "整治出租车。"]


def test_measure_broken_across_lines_is_joined():
    plan = parse_plan(
        "1.加快项目建设。一是做好规划编制。科学编制\n交通规划，推进G106\n浏阳绕城公路建设。二是推进\nPPP project\nfinancing。\n"
    )
    first, second = plan.key_tasks[0].measures
    assert first.text == "做好规划编制。科学编制交通规划，推进G106浏阳绕城公路建设。"
    assert second.text == "推进PPP project financing。"
    assert (first.line, second.line) == (1, 3)


def test_full_and_half_width_punctuation():
    plan = parse_plan(
        "(一)加快项目建设:一是做好规划,抓好落地;二是推进项目。\n（二）提升服务质量：一是优化公交，完善站点；二是规范网约车。\n"
    )
    assert titles(plan) == ["加快项目建设", "提升服务质量"]
    assert measure_titles(plan.key_tasks[0]) == ["做好规划", "推进项目"]
    assert measure_titles(plan.key_tasks[1]) == ["优化公交", "规范网约车"]
    assert plan.key_tasks[1].measures[0].text == "优化公交，完善站点"


def test_whitespace_is_normalised():
    plan = parse_plan("\u30001. 加快项目建设。\u3000一是 做好\xa0规划。二是推进 ETC  lanes。\n")
    task = plan.key_tasks[0]
    assert task.title == "加快项目建设"
    assert [m.text for m in task.measures] == ["做好规划。", "推进ETC lanes。"]


def test_marker_inside_running_text_is_not_a_measure():
    plan = parse_plan("1.规范执法。一是坚持标准统一是前提，全面推进执法，二是关键。二是加强培训。\n")
    texts = [m.text for m in plan.key_tasks[0].measures]
    assert texts == ["坚持标准统一是前提，全面推进执法，二是关键。", "加强培训。"]


def test_measures_numbered_beyond_ten():
    numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    body = "".join(f"{numeral}是措施{i}。" for i, numeral in enumerate(numerals, start=1))
    task = parse_plan(f"1.加快项目建设。{body}\n").key_tasks[0]
    assert [m.number for m in task.measures] == list(range(1, 13))
    assert task.measures[11].title == "措施12"


def test_intro_paragraph_before_measures_is_ignored():
    plan = parse_plan("（一）加快项目建设\n全年完成投资10亿元。\n一是做好规划。\n")
    assert [m.text for m in plan.key_tasks[0].measures] == ["做好规划。"]


def test_long_measure_title_is_truncated():
    long_clause = "全面推进" + "交通运输" * 20
    measure = parse_plan(f"1.加快项目建设。一是{long_clause}。\n").key_tasks[0].measures[0]
    assert measure.title == long_clause[:60]
    assert measure.text == long_clause + "。"


def test_decimal_number_is_not_a_heading():
    plan = parse_plan("1.加快项目建设。一是完成投资。\n1.5亿元用于农村公路。\n")
    assert len(plan.key_tasks) == 1
    assert plan.key_tasks[0].measures[0].text == "完成投资。1.5亿元用于农村公路。"


def test_web_page_chrome_and_missing_title():
    plan = parse_plan(
        "首页 > 历史规划计划\n发布时间 : 2020-03-17\n1.加快项目建设。一是做好规划。\n相关文档:\n  • 扫一扫在手机打开当前页\n"
    )
    assert plan.title is None
    assert plan.year is None
    assert plan.key_tasks[0].measures[0].text == "做好规划。"


# --- Errors ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "  \n\u3000\n\xa0"])
def test_empty_plan(text):
    assert error_lines(text) == [1]


def test_no_key_task():
    assert error_lines("浏阳市交通运输局2020年工作计划\n\n发展机遇方面。一是政策机遇。二是战略机遇。\n") == [1]


def test_only_non_task_sections():
    assert error_lines("一、总体要求\n坚持稳中求进。\n二、保障措施\n一是加强组织领导。\n") == [1]


def test_key_task_without_measures():
    assert error_lines("1.加快项目建设。一是做好规划。\n\n2.提升服务质量。\n\n3.守住安全底线。一是排查隐患。\n") == [3]


def test_measure_numbering_gap():
    assert error_lines("1.加快项目建设。\n一是做好规划。\n三是推进项目。\n") == [3]


def test_measure_numbering_repetition_and_wrong_start():
    assert error_lines("1.加快项目建设。一是做好规划。\n一是推进项目。\n2.提升服务质量。二是优化公交。\n") == [2, 3]


def test_empty_measure():
    assert error_lines("1.加快项目建设。\n一是；二是推进项目。\n") == [2]


def test_heading_without_title():
    assert error_lines("1.\n一是做好规划。\n") == [1]


def test_all_errors_are_collected_and_named():
    with translation.override("en"):
        with pytest.raises(PlanParseError) as excinfo:
            parse_plan("1.加快项目建设。一是做好规划。三是推进项目。\n2.提升服务质量。\n")
        error = excinfo.value
        text = str(error)
    assert [line for line, _message in error.errors] == [1, 2]
    assert text.splitlines()[0].startswith("Line 1: ")
    assert "Line 2: " in text
    assert isinstance(error, ValueError)
