from django.utils import translation

from core.forms import AllYesNoSelect


def test_a_yes_no_filter_offers_all_yes_and_no_not_unknown():
    widget = AllYesNoSelect()
    with translation.override("zh-hans"):
        html = widget.render("overdue", None)
    assert "未知" not in html  # Django's "Unknown"
    assert html.index("全部") < html.index("是") < html.index("否")
    assert widget.value_from_datadict({"overdue": "true"}, {}, "overdue") is True
    assert widget.value_from_datadict({"overdue": "false"}, {}, "overdue") is False
    assert widget.value_from_datadict({"overdue": "unknown"}, {}, "overdue") is None
