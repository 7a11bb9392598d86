"""The data the 隐患清零 page's charts draw: derived from the figures already counted, without a query."""

from safety.selectors import ZeroOut, ZeroOutRow, zero_out_chart_data


def test_chart_data_stacks_fields_and_sorts_townships_worst_first():
    summary = ZeroOut(
        year=2020,
        by_field=[
            ZeroOutRow(key="road_transport", label="道路运输", total=5, open=3, closed=2, overdue=1),
            ZeroOutRow(key="waterways", label="水路交通", total=0),
        ],
        by_township=[
            ZeroOutRow(key="1", label="淮川街道", total=4, open=0, closed=4),
            ZeroOutRow(key="2", label="集里街道", total=4, open=3, closed=1, overdue=2),
            ZeroOutRow(key="3", label="荷花街道", total=2, open=1, closed=1),
            ZeroOutRow(key="4", label="关口街道", total=4, open=3, closed=1),
        ],
    )
    data = zero_out_chart_data(summary)  # no django_db mark: a query would fail the test

    fields = data["by_field"]
    assert fields["labels"] == ["道路运输", "水路交通"]
    # a stack is the field's total: closed + open within the deadline + overdue
    assert (fields["closed"], fields["open"], fields["overdue"]) == ([2, 0], [2, 0], [1, 0])
    townships = data["by_township"]
    assert townships["labels"] == ["集里街道", "关口街道", "荷花街道", "淮川街道"]  # ties keep the township order
    assert townships["rate"] == [25.0, 25.0, 50.0, 100.0]
    assert townships["zeroed"] == [False, False, False, True]
    assert set(data["names"]) == {"closed", "open", "overdue", "rate", "hazards"}
