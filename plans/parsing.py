"""Parse an annual work plan (工作计划) into key tasks and their measures.

The input is plain text in the usual style of Chinese government work plans::

    浏阳市交通运输局2020年工作计划
    ……（preamble）……
    1.全力推进交通项目建设。一是做好规划编制。……二是扎实推进项目。……
    2.着力提高运输服务品质。一是……

Key tasks are numbered headings at the start of a line (``1.``, ``1．``, ``1、``,
``（一）``, ``(一)``, ``一、``); measures are the numbered items ``一是``, ``二是`` …
inside a key task.  Documents often use several heading styles (``一、总体要求`` /
``二、重点任务`` / ``（一）加快项目建设``): the key tasks are the headings of the
style whose sections contain measures, and sections titled like 总体要求 or
保障措施 are never key tasks.

The parser is pure Python; the only Django dependency is ``gettext`` for the
error messages, which is called only when a :class:`PlanParseError` is built.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext

# --- Patterns --------------------------------------------------------------

_CN_DIGITS = "一二三四五六七八九"

# Characters that are written without spaces around them: CJK ideographs,
# CJK punctuation (。、「」…), and full-width forms (，；：（）…).
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{_CJK}]")

# Any run of whitespace, including the ideographic space U+3000, NBSP,
# zero-width space and a stray byte-order mark.
_WHITESPACE = re.compile(r"[\s\u200b\ufeff]+")

# A single space next to a CJK character: "坚持 “管行业" -> "坚持“管行业".
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}]) | (?=[{_CJK}])")

# Web-page chrome copied along with the plan: breadcrumbs, publication
# metadata, "related documents", QR-code hints, print/close buttons.
_CHROME = re.compile(
    r"^(?:首页\s*[>＞]|当前位置|发布时间|来源\s*[:：]|字体大小|相关文档|浏览次数"
    r"|[•·]?\s*扫一扫|【?打印|【?关闭|分享到)"
)

# Key-task headings, matched at the start of a (normalised) line.
_HEADING_STYLES = {
    # "1." "1．" "1、" — not followed by a digit, so "1.5亿元" is not a heading.
    "arabic": re.compile(r"(?P<number>\d{1,2})\s*[.．、](?!\d)\s*"),
    # "（一）" "(一)" — full- or half-width parentheses.
    "parenthesised": re.compile(r"[（(]\s*(?P<number>[一二三四五六七八九十]{1,3})\s*[）)]\s*"),
    # "一、"
    "chinese": re.compile(r"(?P<number>[一二三四五六七八九十]{1,3})\s*、\s*"),
}

# The end of a heading's title: sentence or clause punctuation.  A dot only
# counts when no digit follows ("G106.5" stays in the title).
_TITLE_END = re.compile(r"[。；;：:！!？?]|[.．](?!\d)")

# A measure marker: 一是, 二是 … 十是, 十一是 … (validated by _chinese_number).
_MEASURE_MARKER = re.compile(r"(?P<numeral>[一二三四五六七八九十]{1,3})是")

# Characters after which a measure marker may start a new measure
# ("" stands for the start of the section body).
_MARKER_BOUNDARY = frozenset(("", *"。；;：:！!？?"))

# A Chinese numeral from 一 to 九十九: optional tens digit, 十, optional unit.
_CHINESE_NUMBER = re.compile(r"(?:(?P<tens>[二三四五六七八九]?)十)?(?P<units>[一二三四五六七八九]?)")

# The end of a measure's title: the first sentence or clause.
_MEASURE_TITLE_END = re.compile(r"[。；;，,：:！!？?]")
_MEASURE_TITLE_MAX_LENGTH = 60

# Separators between measures, dropped from the end of a measure's text
# (a final 。 is kept: it ends a sentence).
_TRAILING_SEPARATORS = "；;，,：:、 "

# Plan title: a short line naming the kind of document, and its year.
_PLAN_TITLE = re.compile(r"工作计划|工作要点")
_PLAN_TITLE_MAX_LENGTH = 50
_YEAR = re.compile(r"(20\d{2})\s*年")

# Section titles that are never key tasks (context, goals, safeguards …),
# matched as substrings of short titles.
_NON_TASK_TITLES = (
    "总体要求",
    "总体思路",
    "工作思路",
    "指导思想",
    "基本原则",
    "主要目标",
    "总体目标",
    "工作目标",
    "目标任务",
    "发展机遇",
    "困难挑战",
    "面临形势",
    "形势分析",
    "存在问题",
    "基本情况",
    "工作回顾",
    "保障措施",
    "保障机制",
    "组织保障",
    "组织领导",
    "工作要求",
    "有关要求",
    "实施步骤",
    "进度安排",
    "时间安排",
)
_NON_TASK_TITLE_MAX_LENGTH = 12


# --- Public interface ------------------------------------------------------


@dataclass(frozen=True)
class ParsedMeasure:
    number: int  # 1 for 一是, 2 for 二是 …
    title: str  # the first sentence or clause, without its punctuation
    text: str  # the whole measure, title sentence included, without the 一是 marker
    line: int  # 1-based input line where the measure starts


@dataclass(frozen=True)
class ParsedKeyTask:
    number: int  # 1..n in order of appearance
    title: str  # the heading without its number and final punctuation
    line: int  # 1-based input line of the heading
    measures: tuple[ParsedMeasure, ...]


@dataclass(frozen=True)
class ParsedPlan:
    title: str | None  # e.g. "浏阳市交通运输局2020年工作计划", if a line looks like a title
    year: int | None  # the 20xx年 of the title
    key_tasks: tuple[ParsedKeyTask, ...]


class PlanParseError(ValueError):
    """The plan could not be parsed; ``errors`` lists (line number, message)."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = sorted(errors)
        super().__init__(self.errors)

    def __str__(self) -> str:
        return "\n".join(
            gettext("Line %(line)d: %(message)s") % {"line": line, "message": message} for line, message in self.errors
        )


def parse_plan(text: str) -> ParsedPlan:
    """Parse a work plan; raise :class:`PlanParseError` listing every problem."""
    lines = [_normalise(line) for line in text.splitlines()]
    if not any(lines):
        raise PlanParseError([(1, gettext("The plan is empty."))])
    lines = ["" if _CHROME.match(line) else line for line in lines]

    headings = _find_headings(lines)
    title = _find_plan_title(lines[: headings[0].index] if headings else lines)
    sections = [
        _Section(heading, _section_body(lines, heading, headings[i + 1].index if i + 1 < len(headings) else len(lines)))
        for i, heading in enumerate(headings)
    ]
    task_sections = _task_sections(sections)
    if not task_sections:
        raise PlanParseError([(1, gettext("No key task found: expected headings such as “1.”, “（一）” or “一、”."))])

    key_tasks, errors = [], []
    for number, section in enumerate(task_sections, start=1):
        key_task, section_errors = _parse_key_task(number, section)
        key_tasks.append(key_task)
        errors += section_errors
    if errors:
        raise PlanParseError(errors)
    year = _YEAR.search(title) if title else None
    return ParsedPlan(title=title, year=int(year.group(1)) if year else None, key_tasks=tuple(key_tasks))


# --- Lines and text --------------------------------------------------------


def _normalise(text: str) -> str:
    """Collapse whitespace and drop spaces next to CJK characters."""
    return _SPACE_NEAR_CJK.sub("", _WHITESPACE.sub(" ", text).strip())


def _join(left: str, right: str) -> str:
    """Join two pieces of a hard-wrapped text; a space only between non-CJK words."""
    if left and right and not _CJK_CHAR.match(left[-1]) and not _CJK_CHAR.match(right[0]):
        return f"{left} {right}"
    return left + right


def _chinese_number(numeral: str) -> int | None:
    """一 -> 1, 十 -> 10, 十一 -> 11, 二十 -> 20 …; None if not a well-formed numeral."""
    match = _CHINESE_NUMBER.fullmatch(numeral)
    if not numeral or not match:
        return None
    tens = match.group("tens")
    units = match.group("units")
    value = _CN_DIGITS.index(units) + 1 if units else 0
    if tens is not None:  # 十 is present; an empty tens digit means 1
        value += 10 * (_CN_DIGITS.index(tens) + 1 if tens else 1)
    return value


def _find_plan_title(lines: list[str]) -> str | None:
    for line in lines:
        if _PLAN_TITLE.search(line) and len(line) <= _PLAN_TITLE_MAX_LENGTH and "。" not in line:
            return line
    return None


# --- Headings and sections -------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    index: int  # 0-based index into the lines
    style: str
    title: str
    rest: str  # what follows the title on the heading line

    @property
    def line(self) -> int:
        return self.index + 1

    @property
    def is_task_like(self) -> bool:
        """False for sections such as 总体要求 or 保障措施."""
        title = self.title.removesuffix("方面")
        return len(title) > _NON_TASK_TITLE_MAX_LENGTH or not any(word in title for word in _NON_TASK_TITLES)


def _find_headings(lines: list[str]) -> list[_Heading]:
    headings = []
    for index, line in enumerate(lines):
        for style, pattern in _HEADING_STYLES.items():
            match = pattern.match(line)
            if match and (style == "arabic" or _chinese_number(match.group("number"))):
                title, rest = _split_title(line[match.end() :])
                headings.append(_Heading(index, style, title, rest))
                break
    return headings


def _split_title(text: str) -> tuple[str, str]:
    """Split a heading line after its number into (title, rest of the line)."""
    end = _TITLE_END.search(text)
    if not end:
        return text.strip(), ""
    return text[: end.start()].strip(), text[end.end() :].strip()


@dataclass(frozen=True)
class _Body:
    """The text of a section joined across lines, remembering where lines and paragraphs start."""

    text: str
    line_offsets: tuple[int, ...]  # offset in text where each input line starts
    line_numbers: tuple[int, ...]  # 1-based input line number of each of those
    paragraph_ends: tuple[int, ...]  # offsets where paragraphs end, ascending

    def line_at(self, offset: int) -> int:
        return self.line_numbers[bisect.bisect_right(self.line_offsets, offset) - 1]

    def paragraph_end(self, offset: int) -> int:
        return self.paragraph_ends[bisect.bisect_right(self.paragraph_ends, offset)]


def _section_body(lines: list[str], heading: _Heading, end: int) -> _Body:
    """Join the heading's rest and the lines up to ``end``; blank lines end paragraphs."""
    text, offsets, numbers, paragraph_ends = "", [], [], []
    pieces = [heading.rest] + lines[heading.index + 1 : end]
    for line_number, piece in enumerate(pieces, start=heading.line):
        if not piece:
            if text and (not paragraph_ends or paragraph_ends[-1] != len(text)):
                paragraph_ends.append(len(text))
            continue
        joined = _join(text, piece)
        offsets.append(len(joined) - len(piece))
        numbers.append(line_number)
        text = joined
    if not paragraph_ends or paragraph_ends[-1] != len(text):
        paragraph_ends.append(len(text))
    return _Body(text, tuple(offsets), tuple(numbers), tuple(paragraph_ends))


@dataclass(frozen=True)
class _Section:
    heading: _Heading
    body: _Body

    @cached_property
    def markers(self) -> list[re.Match]:
        """Measure markers at a measure boundary (start of body or line, or after 。；：)."""
        line_starts = set(self.body.line_offsets)
        text = self.body.text
        return [
            match
            for match in _MEASURE_MARKER.finditer(text)
            if _chinese_number(match.group("numeral"))
            and (match.start() in line_starts or text[: match.start()].rstrip()[-1:] in _MARKER_BOUNDARY)
        ]


def _task_sections(sections: list[_Section]) -> list[_Section]:
    """The sections that are key tasks: task-like sections of the heading style holding the measures.

    The chosen style is the one with the most task-like sections containing
    measures; ties go to the style with more task-like sections, then to the
    style that appears first.
    """
    candidates = [section for section in sections if section.heading.is_task_like]
    styles = list(dict.fromkeys(section.heading.style for section in candidates))
    if not styles:
        return []

    def score(style: str) -> tuple[int, int, int]:
        of_style = [section for section in candidates if section.heading.style == style]
        return (sum(1 for section in of_style if section.markers), len(of_style), -styles.index(style))

    task_style = max(styles, key=score)
    return [section for section in candidates if section.heading.style == task_style]


# --- Key tasks and measures ------------------------------------------------


def _parse_key_task(number: int, section: _Section) -> tuple[ParsedKeyTask, list[tuple[int, str]]]:
    heading = section.heading
    errors = []
    if not heading.title:
        errors.append((heading.line, gettext("The key task heading has no title.")))
    measures, measure_errors = _parse_measures(section)
    errors += measure_errors
    if not measures:
        errors.append(
            (
                heading.line,
                gettext("Key task “%(title)s” has no measures (一是, 二是 …).") % {"title": heading.title},
            )
        )
    return ParsedKeyTask(number=number, title=heading.title, line=heading.line, measures=tuple(measures)), errors


def _parse_measures(section: _Section) -> tuple[list[ParsedMeasure], list[tuple[int, str]]]:
    """Cut the section body at its markers; the last measure ends with its paragraph."""
    body = section.body
    markers = section.markers
    measures, errors = [], []
    expected = 1
    for i, marker in enumerate(markers):
        number = _chinese_number(marker.group("numeral"))
        line = body.line_at(marker.start())
        if number != expected:
            errors.append(
                (
                    line,
                    gettext("Measure “%(found)s” is out of sequence: expected measure number %(expected)d.")
                    % {"found": marker.group(), "expected": expected},
                )
            )
        expected = number + 1
        end = markers[i + 1].start() if i + 1 < len(markers) else body.paragraph_end(marker.start())
        text = body.text[marker.end() : end].strip().rstrip(_TRAILING_SEPARATORS)
        if not text:
            errors.append((line, gettext("Measure “%(marker)s” is empty.") % {"marker": marker.group()}))
        measures.append(ParsedMeasure(number=number, title=_measure_title(text), text=text, line=line))
    return measures, errors


def _measure_title(text: str) -> str:
    """The first sentence or clause, at most _MEASURE_TITLE_MAX_LENGTH characters."""
    title = _MEASURE_TITLE_END.split(text, maxsplit=1)[0]
    return title[:_MEASURE_TITLE_MAX_LENGTH].strip()
