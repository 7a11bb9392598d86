"""The base resource every importing and exporting app builds on (django-import-export's ModelResource with the
portal's rules).

What every resource inherits:

- Column headers in the active language (declare them with ``gettext_lazy``/``pgettext_lazy``); an import file
  may use the headers of any of the portal's languages.
- Export neutralisation: a text cell starting with ``= + - @``, a tab or a carriage return is prefixed with a
  single quote so that Excel does not run it as a formula; the import strips that quote again, so an exported
  file imports back unchanged.
- Rows compared without queries: a row that changes nothing is "unchanged" (skipped), a changed row records
  the columns it changes; per-row hooks to find the instance (``find_instance``) and to check permissions and
  rules (``check_row``), whose errors are row errors under the right column.
- Model validation (``full_clean``) without the per-row queries: relations are resolved by the cached widgets,
  unique and check constraints are left to the database (a violation is still caught at the dry run).
"""

import copy
import datetime
import decimal

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db.models.base import ModelState
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import resources, widgets

from .columns import HeaderIndex
from .copy_insert import insert_instances

# Characters that make a spreadsheet treat a cell as a formula (CSV/formula injection, OWASP), and the line feed
# that a carriage return becomes in a workbook (XML normalises line ends), so that the quote comes off again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
QUOTE = "'"


def _is_neutralised(value: str) -> bool:
    """Quotes followed by what a spreadsheet would run as a formula."""
    return value.startswith(QUOTE) and value.lstrip(QUOTE).startswith(FORMULA_PREFIXES)


def neutralise(value):
    """Prefix a text cell that a spreadsheet would run as a formula with a single quote. A text that already
    looks neutralised (quotes, then a formula character) gets one more quote, so that ``unneutralise`` gives
    back exactly the original."""
    if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES) or _is_neutralised(value)):
        return QUOTE + value
    return value


def unneutralise(value):
    """Undo ``neutralise``: strip exactly one leading quote when what follows starts like a formula
    (after any further quotes)."""
    if isinstance(value, str) and _is_neutralised(value):
        return value[1:]
    return value


def _illegal_xlsx_characters():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE


def export_text(value):
    """A value as a workbook cell may hold it: text without the characters a workbook cannot hold, neutralised."""
    if isinstance(value, str):
        value = neutralise(_illegal_xlsx_characters().sub("", value))
    return value


class _NoDiff:
    """The preview lists the changed columns itself; the library's HTML diff (which would query each row's
    many-to-many values again) is not made."""

    def __init__(self, resource, instance, new):
        pass

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


class _RowState:
    def __init__(self):
        self.new = False
        self.key_errors: dict = {}
        self.before: dict = {}
        self.m2m: dict = {}
        self.changed: list[str] = []


def _message_dict(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


_IMMUTABLE = (type(None), bool, int, float, str, bytes, decimal.Decimal, datetime.date, datetime.time)


def _copy_new(prototype):
    """A new (unsaved) instance with ``prototype``'s attributes and cached relations."""
    model = type(prototype)
    instance = model.__new__(model)
    attributes = vars(prototype).copy()
    state = ModelState()
    state.db = prototype._state.db
    state.fields_cache = dict(prototype._state.fields_cache)
    attributes["_state"] = state
    instance.__dict__ = attributes
    return instance


def add_error(errors: dict, key: str | None, message) -> None:
    """Add a row error under a field name (``None``: the whole row)."""
    errors.setdefault(key or NON_FIELD_ERRORS, []).append(ValidationError(message))


class PortalModelResource(resources.ModelResource):
    """Base class of the portal's resources. Construct one per import or export: ``Resource(user=user)``."""

    #: Field names whose columns every import file must have (e.g. the columns that identify a row).
    required_columns: tuple[str, ...] = ()
    #: Field name → help text shown with the expected columns on the import page and in the template.
    column_help: dict = {}
    #: Field name → an example value for the template's 填写说明 sheet (default: the widget's ``example``).
    column_examples: dict = {}
    #: Take the fast path for large files (``core.imports.bulk``): the same row checks, then bulk writes and
    #: bulk audit entries; model ``save()`` and save signals are not called (see that module).
    bulk: bool = False
    #: Field name → other headers bureaus write the column with (e.g. ``{"found_on": ("排查时间", "发现时间")}``);
    #: the headers in each of the portal's languages are always recognised.
    header_synonyms: dict[str, tuple[str, ...]] = {}
    #: ``progress(done, total)`` while an import runs (set by ``run_import``).
    progress = None
    #: The file being imported, its name and whether this is the dry run (set by ``run_import``).
    source_name: str = ""
    source_data: bytes = b""
    dry_run: bool = True

    class Meta:
        report_skipped = True
        skip_html_diff = True
        use_transactions = True
        clean_model_instances = True

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._row = _RowState()
        self._sheet_rows = None
        for field in self.fields.values():
            if field.column_name is not None:
                field.column_name = force_str(field.column_name)
        importable = self.get_import_fields()
        self._importable = [
            (name, field)
            for name, field in self.fields.items()
            if field in importable and not field.readonly and field.attribute
        ]
        self._fields_by_columns: dict[tuple, list] = {}  # the rows of a file share their columns
        self._set_fields = [field for field in importable if not self._is_m2m(field)]
        self._set_fields_by_columns: dict[tuple, list] = {}
        self._prototypes: dict[tuple, object] = {}

    # Columns -------------------------------------------------------------------------------------------

    def import_columns(self) -> list[dict]:
        """The columns an import file may have, for the import page: name, column header, required, help."""
        columns = []
        importable = self.get_import_fields()
        for name in self.get_import_order():
            field = self.fields.get(name)
            if field is None or (field not in importable and name not in self.required_columns):
                continue
            columns.append(
                {
                    "name": name,
                    "header": field.column_name,
                    "required": name in self.required_columns,
                    "reference_only": field.readonly and name not in self.required_columns,
                    "help": self.column_help.get(name, ""),
                }
            )
        return columns

    def template_columns(self) -> list[dict]:
        """The columns as the template's 填写说明 sheet explains them: ``import_columns`` with what each may hold
        (``rule``), the values a drop-down offers (``values``) and an ``example`` (``column_examples``, else the
        widget's)."""
        columns = []
        for column in self.import_columns():
            field = self.fields[column["name"]]
            widget = field.widget
            values = widget.allowed_values() if hasattr(widget, "allowed_values") else []
            required = column["required"] or getattr(widget, "required", False)
            rule = [str(column["help"])] if column["help"] else []
            if values and len(values) <= 30:
                rule.append(_("One of: %(values)s.") % {"values": "、".join(values)})
            elif values:
                rule.append(_("Choose from the drop-down list."))
            if isinstance(widget, widgets.ManyToManyWidget):
                rule.append(_("Several names are separated by 、 or a comma."))
            if column["reference_only"]:
                rule.append(_("For reference only: the import does not change it."))
            example = self.column_examples.get(column["name"], getattr(widget, "example", ""))
            columns.append(
                {
                    **column,
                    "required": required and not column["reference_only"],
                    "values": [] if column["reference_only"] else values,
                    "rule": " ".join(rule),
                    "example": "" if column["reference_only"] else str(example),
                }
            )
        return columns

    def header_index(self) -> HeaderIndex:
        """Every header a file may name each column by: its header in each of the portal's languages and the
        register's ``header_synonyms`` (the one place a register's other names for a column live)."""
        names: dict[str, list[str]] = {}
        declared = type(self).fields
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for name, field in declared.items():
                    if name in self.fields and field.column_name is not None:
                        names.setdefault(name, []).append(force_str(field.column_name))
        for name, field in self.fields.items():  # the active language first
            if field.column_name is not None:
                names.setdefault(name, []).insert(0, field.column_name)
        return HeaderIndex.build(names, self.header_synonyms)

    def importable_columns(self) -> set[str]:
        """The field names whose columns an import writes, or the resource reads itself (what the mapping step
        offers)."""
        return {name for name, field in self.fields.items() if field.column_name is not None and not field.readonly}

    def recognised_columns(self) -> set[str]:
        """The field names whose columns an import reads: the written ones, and those read to find the row
        (a code) or exported for reference (a status), which the import never writes."""
        return {name for name, field in self.fields.items() if field.column_name is not None}

    def column_for(self, key: str) -> str:
        """The column header of a field name, attribute or model field name ('' for errors about the row)."""
        if key in (None, NON_FIELD_ERRORS):
            return ""
        for name, field in self.fields.items():
            if key in (name, field.attribute):
                return field.column_name
        for field in self.fields.values():
            if field.attribute and field.attribute.split("__")[0] == key:
                return field.column_name
        try:  # a model field the file has no column for: its name in the active language, never the code name
            return force_str(self._meta.model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:  # not a field of the model either: about the row
            return ""

    def row_label(self, row: dict) -> str:
        """A short name of what a row is about, for the preview (override)."""
        return ""

    def import_notes(self) -> list[str]:
        """What the user should know about the rows just checked but does not stop the import (e.g. how many
        repeated rows were merged); shown with the preview's warnings (override)."""
        return []

    # Export --------------------------------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if kwargs.get("force_native_type"):  # a workbook
            return export_text(value)
        return neutralise(value)

    # Import: hooks for subclasses -----------------------------------------------------------------------

    def prepare_import(self, dataset) -> None:
        """Load what the rows will be looked up in, in bulk, once per import (override)."""

    def new_instance(self, **values):
        """A new instance of the model with ``values`` (which every row of the import shares: the importing user,
        a first status), for ``init_instance``: the model's constructor makes the first one, and the others are
        copies of it (its attributes and cached relations, a fresh state), a fraction of the constructor's cost
        per row. When an attribute holds a value that could be changed in place (a list, a dict), each one is
        constructed."""
        key = tuple((name, id(value)) for name, value in values.items())
        prototype = self._prototypes.get(key)
        if prototype is None:
            prototype = self._meta.model(**values)
            shared = all(isinstance(value, _IMMUTABLE) for name, value in vars(prototype).items() if name != "_state")
            self._prototypes[key] = prototype if shared else False
            return prototype if not shared else _copy_new(prototype)
        if prototype is False:
            return self._meta.model(**values)
        return _copy_new(prototype)

    def find_instance(self, row, instance_loader):
        """The existing object a row is about, or None for a new one. Raise a ValidationError (keyed by field
        name) if the row does not say which object it is about."""
        return self.get_instance(instance_loader, row)

    def check_row(self, *, instance, row, new: bool, changed: list[str], errors: dict) -> None:
        """Permission and business rules for one row, after its values are set on ``instance``; add problems
        with ``add_error(errors, field_name, message)`` (override)."""

    def start_bulk_write(self) -> None:
        """Fast path only (``bulk = True``): called once inside the import's transaction before the new instances
        are inserted, for what they all share (e.g. the record of the file they come from) (override)."""

    def before_bulk_write(self, instances: list) -> None:
        """Fast path only: called inside the import's transaction with each batch of new instances about to be
        inserted (``settings.IMPORT_BATCH_SIZE``, in the file's order), for what ``save()`` would do (e.g.
        numbers from a sequence, in bulk) (override)."""

    def insert_batch(self, instances: list) -> list:
        """Fast path only: insert a batch of new instances (``core.imports.copy_insert``: COPY on PostgreSQL) and
        return those inserted; a resource may merge some into records already stored instead (override)."""
        insert_instances(self._meta.model, instances)
        return instances

    def finish_bulk_write(self, *, updated: list) -> None:
        """Fast path only: called inside the transaction of a real import once all its rows are written
        (``updated``: the instances it updated), for what follows from them all (override)."""

    def after_bulk_write(self, instances: list) -> None:
        """Fast path only: called inside the import's transaction with each batch of new instances once they are
        inserted (they have their keys), for what must refer to them (override)."""

    def check_with_service(self, errors: dict, service, **kwargs) -> None:
        """Run ``service(**kwargs, writes=self.row_writes())`` for the row: the page's own permissions, rules and
        messages, nothing written; its refusals become row errors (under the column of the field they name)."""
        try:
            service(writes=self.row_writes(), **kwargs)
        except PermissionDenied as error:
            add_error(errors, getattr(error, "field", None), str(error))
        except ValidationError as error:
            for key, messages in _message_dict(error).items():
                if key not in errors:
                    errors[key] = messages

    def row_values(self, instance, names) -> dict:
        """The row's values of the model fields ``names`` (for a service that adds the object), leaving out a
        relation that is not set (its column is empty or has an error, which the import reports)."""
        values = {}
        for name in names:
            try:
                values[name] = getattr(instance, name)
            except ObjectDoesNotExist:
                pass
        return values

    def row_writes(self):
        """The ``Writes`` the services are checked with for a row (override to give preloaded permissions)."""
        from core.writes import RowCheckWrites

        return RowCheckWrites()

    def row_before(self, instance):
        """A copy of ``instance`` as it was before the row's values were set on it (for the services, which
        compare the changes with the object as stored)."""
        before = copy.copy(instance)
        for name, value in self._row.before.items():
            field = self.fields[name]
            if not self._is_m2m(field):
                setattr(before, field.attribute, value)
        return before

    def sheet_row(self, row_number: int) -> int:
        """The spreadsheet row number of the dataset's ``row_number``-th row (counting from 1)."""
        if self._sheet_rows and 0 < row_number <= len(self._sheet_rows):
            return self._sheet_rows[row_number - 1]
        return row_number + 1

    # Import: the library's steps ------------------------------------------------------------------------

    def get_diff_class(self):
        return _NoDiff

    def before_import(self, dataset, **kwargs):
        self._sheet_rows = kwargs.get("sheet_rows")
        for field in self.fields.values():
            if hasattr(field.widget, "reset"):
                field.widget.reset()
        self.prepare_import(dataset)

    def before_import_row(self, row, **kwargs):
        for key, value in row.items():
            row[key] = unneutralise(value)

    def get_or_init_instance(self, instance_loader, row):
        self._row = _RowState()
        try:
            instance = self.find_instance(row, instance_loader)
        except ValidationError as error:
            self._row.key_errors = error.update_error_dict({})
            instance = None
        if instance is not None:
            return instance, False
        return self.init_instance(row), True

    def after_init_instance(self, instance, new, row, **kwargs):
        self._row.new = new
        for name, field in self._import_fields_in(row):
            if self._is_m2m(field):
                self._row.before[name] = (
                    {obj.pk for obj in field.get_value(instance).all()} if instance.pk is not None else set()
                )
            else:
                self._row.before[name] = field.get_value(instance)

    def import_instance(self, instance, row, **kwargs):
        errors = {key: list(value) for key, value in self._row.key_errors.items()}
        try:
            self._set_values(instance, row, **kwargs)
        except ValidationError as error:
            for key, messages in error.update_error_dict({}).items():
                if key not in errors:  # a key column's problem is already reported
                    errors[key] = messages
        for name, field in self._import_fields_in(row):
            if self._is_m2m(field):
                try:
                    self._row.m2m[name] = field.clean(row, **kwargs)
                except ValueError as error:
                    add_error(errors, field.attribute, force_str(error))
        self._row.changed = self._changed_fields(instance, errors)
        if not self._row.key_errors:
            self.check_row(instance=instance, row=row, new=self._row.new, changed=self._row.changed, errors=errors)
        if errors:
            raise ValidationError(errors)

    def _set_values(self, instance, row, **kwargs):
        """The library's ``import_instance``: each field's ``import_field`` (its widget's ``clean``), a ValueError
        being that field's error, in the import order; over the fields whose columns the row has, worked out once
        per file (the library's ``import_field`` sets nothing for the others)."""
        errors = {}
        for field in self._set_fields_in(row):
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = ValidationError(force_str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not import_validation_errors and not self._row.new and not self._row.changed

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        relations = {f.name for f in instance._meta.concrete_fields if f.is_relation}
        try:
            instance.full_clean(exclude=set(errors) | relations, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = _in_import_words(error).update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_m2m(self, instance, row, **kwargs):
        """Write only the many-to-many columns that changed (no query for the others)."""
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        for name, field in self._import_fields_in(row):
            if self._is_m2m(field) and (self._row.new or name in self._row.changed):
                getattr(instance, field.attribute).set(self._row.m2m.get(name, []))

    def after_import_row(self, row, row_result, **kwargs):
        row_result.changed_columns = [self.fields[name].column_name for name in self._row.changed]
        number = kwargs.get("row_number", 0)
        if self.progress is not None and number % 500 == 0:
            self.progress(number, len(self._sheet_rows or ()))

    # Helpers --------------------------------------------------------------------------------------------

    def _import_fields_in(self, row):
        columns = tuple(row)
        found = self._fields_by_columns.get(columns)
        if found is None:
            found = [(name, field) for name, field in self._importable if field.column_name in row]
            self._fields_by_columns[columns] = found
        return found

    def _set_fields_in(self, row):
        columns = tuple(row)
        found = self._set_fields_by_columns.get(columns)
        if found is None:
            found = [field for field in self._set_fields if field.attribute and field.column_name in row]
            self._set_fields_by_columns[columns] = found
        return found

    @staticmethod
    def _is_m2m(field) -> bool:
        return isinstance(field.widget, widgets.ManyToManyWidget)

    def _changed_fields(self, instance, errors) -> list[str]:
        changed = []
        for name, before in self._row.before.items():
            field = self.fields[name]
            if field.attribute in errors or name in errors:
                continue
            if self._is_m2m(field):
                after = {obj.pk for obj in self._row.m2m.get(name, [])}
            else:
                after = field.get_value(instance)
            if _comparable(after) != _comparable(before):
                changed.append(name)
        return changed


# Model validation speaks of fields ("This field cannot be null."); a row error speaks of the cell.
_EMPTY_CODES = ("null", "blank", "required")


def _in_import_words(error: ValidationError) -> ValidationError:
    """``error`` with the model's "cannot be null / blank" messages said as a row error says them."""
    words = {}
    for key, errors in error.error_dict.items():
        words[key] = [
            ValidationError(_("This column must not be empty.")) if item.code in _EMPTY_CODES else item
            for item in errors
        ]
    return ValidationError(words)


def _comparable(value):
    """Text compared with line ends normalised: a workbook gives back CR LF (what browsers send) as LF."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value
