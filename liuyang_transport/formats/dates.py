"""How the portal reads a date or a month typed in a form, in either language: year first, as the bureau writes
them (2020-11-30, 2020/11/30, 2020.11.30, 2020年11月30日, 20201130). Never the American month-first order, which
would read 11/12/2020 as a day in November."""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
MONTH_INPUT_FORMATS = ["%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月", "%Y%m", *DATE_INPUT_FORMATS]
