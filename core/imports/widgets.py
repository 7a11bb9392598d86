"""Widgets (cell ⇄ value converters) for the portal's imports and exports.

Each ``clean`` raises ``ValueError`` with a translated message saying what is wrong with the cell's value; the
resource turns it into a row error under the column's header. Lookups (units, leaders) are resolved from a map
loaded with one query per import, never a query per row.
"""

import datetime
import re
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import widgets

# Separators between names in one cell: the Chinese enumeration comma, commas, semicolons (half and full width).
NAME_SEPARATORS = re.compile(r"[、,，;；]")
LIST_SEPARATOR = "、"

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
)
_WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,12}(\.0*)?$")
# A date exported from a datetime cell as text: "2020-03-15 00:00:00".
_MIDNIGHT = re.compile(r"\s+00:00(:00)?$")


def clean_text(value) -> str:
    """A cell as text, without surrounding spaces (ideographic spaces included)."""
    if value is None:
        return ""
    return force_str(value).replace("\u3000", " ").strip()


def is_blank(value) -> bool:
    return clean_text(value) == ""


def match_key(value) -> str:
    """A cell's text as it is compared with names and choices: full-width forms as half-width (NFKC), case
    and every space ignored, so that "一般 隐患", "ＡＢＣ" and "abc" match what they mean."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", clean_text(value))).casefold()


def _required_error():
    return ValueError(_("This column must not be empty."))


class DateWidget(widgets.Widget):
    """A date from a real Excel date cell or from text: 2020-03-15, 2020/3/15, 2020.3.15, 2020年3月15日.
    An empty cell is None. Exports a date cell to Excel and ISO text (2020-03-15) to CSV."""

    example = "2020-03-15"

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = _MIDNIGHT.sub("", clean_text(value))
        if not text:
            return None
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    return datetime.date(*(int(part) for part in match.groups()))
                except ValueError:
                    break
        raise ValueError(_("“%(value)s” is not a date; write dates as 2020-03-15.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None if kwargs.get("force_native_type") else ""
        if kwargs.get("force_native_type"):
            return value
        return value.isoformat()


class IntegerWidget(widgets.Widget):
    """A whole number, optionally within bounds; accepts 12, 12.0, "12" and "12%"."""

    def __init__(self, *, min_value=None, max_value=None, required=False, **kwargs):
        self.min_value = min_value
        self.max_value = max_value
        self.required = required
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer() and abs(value) < 1e12:
            number = int(value)
        elif isinstance(value, str | Decimal | type(None)):
            text = clean_text(value).removesuffix("%").strip()
            if not text:
                if self.required:
                    raise _required_error()
                return None
            if not _WHOLE_NUMBER.match(text):
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": clean_text(value)})
            number = int(Decimal(text))
        else:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": clean_text(value)})
        if (self.min_value is not None and number < self.min_value) or (
            self.max_value is not None and number > self.max_value
        ):
            raise ValueError(
                _("%(value)s is not between %(min)s and %(max)s.")
                % {"value": number, "min": self.min_value, "max": self.max_value}
            )
        return number

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


class TextWidget(widgets.Widget):
    """Text kept as written (a blank cell is the empty string), so that an export imports back unchanged."""

    def __init__(self, *, required=False, **kwargs):
        self.required = required
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None:
            text = ""
        elif isinstance(value, datetime.datetime | datetime.date):
            text = value.isoformat()
        else:
            text = force_str(value)
        if self.required and not text.strip():
            raise _required_error()
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else force_str(value)


class ChoiceWidget(widgets.Widget):
    """One of a field's choices, by its label in the active language (or any of the portal's languages), by its
    code, or by one of the ``synonyms`` the register declares (code → the other words bureaus write it with,
    e.g. ``{HazardLevel.GENERAL: ("一般隐患",)}``). Case, spaces and full-width forms do not matter. Exports the
    label in the active language."""

    def __init__(self, choices, *, required=True, synonyms=None, **kwargs):
        self.choices = list(getattr(choices, "choices", choices))
        self.required = required
        self.synonyms = dict(synonyms or {})
        self._index = None
        super().__init__(**kwargs)

    def __deepcopy__(self, memo):
        return type(self)(
            self.choices, required=self.required, synonyms=self.synonyms, coerce_to_string=self.coerce_to_string
        )

    def _load(self) -> dict:
        if self._index is None:
            index = {}
            for code, _label in self.choices:
                index.setdefault(match_key(code), code)
            for code, words in self.synonyms.items():
                for word in words:
                    index.setdefault(match_key(word), code)
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    for code, label in self.choices:
                        index.setdefault(match_key(label), code)
            for code, label in self.choices:  # the active language wins over the others
                index[match_key(label)] = code
            self._index = index
        return self._index

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value)
        if not text:
            if self.required:
                raise _required_error()
            return None
        code = self._load().get(match_key(text))
        if code is None:
            raise ValueError(
                _("Unknown value “%(value)s”; use one of: %(choices)s.")
                % {"value": text, "choices": LIST_SEPARATOR.join(str(label) for _code, label in self.choices)}
            )
        return code

    def allowed_values(self) -> list[str]:
        """The labels a cell may hold, in the active language (the template's drop-down)."""
        return [str(label) for _code, label in self.choices]

    @property
    def example(self) -> str:
        return str(self.choices[0][1]) if self.choices else ""

    def render(self, value, obj=None, **kwargs):
        for code, label in self.choices:
            if code == value:
                return str(label)
        return "" if value is None else str(value)


# How bureaus write yes and no in a cell.
YES_WORDS = frozenset({"是", "yes", "y", "true", "1", "√", "✓", "确认", "x", "有", "对"})
NO_WORDS = frozenset({"", "否", "no", "n", "false", "0", "×", "✗", "无", "不"})


class YesNoWidget(widgets.Widget):
    """A yes/no cell: 是/否, Y/N, √/×, 1/0 … (an empty cell is no). Exports yes (是) / empty. ``readonly`` columns
    (exported for reference) may use it too."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        key = match_key(value)
        if key in YES_WORDS:
            return True
        if key in NO_WORDS:
            return False
        raise ValueError(_("Write 是 (yes) or 否 (no), or leave the cell empty."))

    def allowed_values(self) -> list[str]:
        return [str(_("Yes")), str(_("No"))]

    @property
    def example(self) -> str:
        return str(_("No"))

    def render(self, value, obj=None, **kwargs):
        return str(_("Yes")) if value else ""


class NameIndex:
    """Objects by name, loaded with one query the first time a name is looked up (once per import).

    ``keys`` are the attributes an object may be named by (e.g. a leader's full name or username), or ``names``
    a function giving all of an object's names (e.g. ``Unit.import_names``: its name, short name and aliases);
    blank names are ignored, and a name shared by several objects is ambiguous. Names match whatever their case,
    spaces and full-width forms (``match_key``). ``loose``, if given, is tried when no name matches exactly: the
    cell and every name are compared after it (e.g. ``Township.stem``: 淮川 and 淮川镇 find 淮川街道). ``thing``
    names the kind of object in messages (default: the model's verbose name)."""

    def __init__(self, queryset, keys=("name",), thing=None, *, names=None, loose=None):
        self.queryset = queryset
        self.keys = tuple(keys)
        self.thing = thing
        self.names = names
        self.loose = loose
        self._map = None
        self._loose_map = None

    def __deepcopy__(self, memo):
        # Every resource instance (one per import) starts with its own, not yet loaded, map.
        return NameIndex(self.queryset.all(), self.keys, self.thing, names=self.names, loose=self.loose)

    @property
    def model(self):
        return self.queryset.model

    def reset(self) -> None:
        self._map = None
        self._loose_map = None

    def _names_of(self, obj) -> list:
        if self.names is not None:
            return list(self.names(obj))
        return [getattr(obj, key, None) for key in self.keys]

    def _load(self) -> dict:
        if self._map is None:
            names, loose = {}, {}
            for obj in self.queryset.all():
                for name in self._names_of(obj):
                    text = clean_text(name)
                    if not text:
                        continue
                    keys = [(names, match_key(text))]
                    if self.loose is not None:
                        keys.append((loose, match_key(self.loose(text))))
                    for index, key in keys:
                        found = index.setdefault(key, [])
                        if obj not in found:
                            found.append(obj)
            self._map, self._loose_map = names, loose
        return self._map

    def get(self, name: str):
        """The object named ``name``; ValueError if none or several are."""
        text = clean_text(name)
        found = self._load().get(match_key(text), [])
        if not found and self.loose is not None:
            found = self._loose_map.get(match_key(self.loose(text)), [])
        thing = self.thing or self.model._meta.verbose_name
        if not found:
            raise ValueError(_("Unknown %(thing)s “%(value)s”.") % {"thing": thing, "value": text})
        if len(found) > 1:
            raise ValueError(
                _("“%(value)s” names more than one %(thing)s; use a name that is unique.")
                % {"value": text, "thing": thing}
            )
        return found[0]


class NameForeignKeyWidget(widgets.Widget):
    """A foreign key written as the related object's name, resolved from a NameIndex (one query per import).
    Exports ``render_attr`` of the object (its ``str()`` if None)."""

    def __init__(
        self,
        queryset,
        *,
        keys=("name",),
        thing=None,
        render_attr=None,
        required=False,
        names=None,
        loose=None,
        offer_names=False,
        **kwargs,
    ):
        self.index = NameIndex(queryset, keys, thing, names=names, loose=loose)
        self.render_attr = render_attr
        self.required = required
        self.offer_names = offer_names
        super().__init__(**kwargs)

    def allowed_values(self) -> list[str]:
        """With ``offer_names`` (a short reference list such as the units): the names the template's drop-down
        offers, one query."""
        if not self.offer_names:
            return []
        return [self.render(obj) for obj in self.index.queryset.all()]

    @property
    def example(self) -> str:
        values = self.allowed_values()
        return values[0] if values else ""

    @property
    def model(self):
        return self.index.model

    def reset(self) -> None:
        self.index.reset()

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            if self.required:
                raise _required_error()
            return None
        return self.index.get(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return clean_text(getattr(value, self.render_attr) if self.render_attr else value)


class NameManyToManyWidget(widgets.ManyToManyWidget):
    """A many-to-many field written as names separated by 、 , ， ; or ；, resolved from a NameIndex.
    ``clean`` returns a list of objects; every unknown name is reported at once. Exports names joined by 、."""

    def __init__(self, queryset, *, keys=("name",), thing=None, render_attr=None, names=None, loose=None, **kwargs):
        self.index = NameIndex(queryset, keys, thing, names=names, loose=loose)
        self.render_attr = render_attr
        super().__init__(model=queryset.model, separator=LIST_SEPARATOR, field=keys[0], **kwargs)

    def reset(self) -> None:
        self.index.reset()

    def clean(self, value, row=None, **kwargs):
        objects, problems = [], []
        for name in NAME_SEPARATORS.split(clean_text(value)):
            if not name.strip():
                continue
            try:
                obj = self.index.get(name)
            except ValueError as error:
                problems.append(str(error))
                continue
            if obj not in objects:
                objects.append(obj)
        if problems:
            raise ValueError(" ".join(problems))
        return objects

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return LIST_SEPARATOR.join(
            clean_text(getattr(item, self.render_attr) if self.render_attr else item) for item in value.all()
        )
