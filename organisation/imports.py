"""How the portal's imports read a unit or a township from a cell: the one place, used by every register.

A unit is found by its name, short name or any of the other names administrators keep for it (``UnitAlias``);
a township by its name or division code, with or without its 街道 / 镇 / 乡 suffix. Each is loaded with one
query per import (the aliases with one more)."""

from core.imports.widgets import NameForeignKeyWidget, NameManyToManyWidget

from .models import Township, Unit


def _units():
    return Unit.objects.prefetch_related("aliases")


def unit_widget(*, required: bool = False) -> NameForeignKeyWidget:
    return NameForeignKeyWidget(
        _units(), names=Unit.import_names, render_attr="name", required=required, offer_names=True
    )


def units_widget() -> NameManyToManyWidget:
    return NameManyToManyWidget(_units(), names=Unit.import_names, render_attr="name")


def township_widget(*, required: bool = False) -> NameForeignKeyWidget:
    return NameForeignKeyWidget(
        Township.objects.all(),
        names=Township.import_names,
        loose=Township.stem,
        render_attr="name",
        required=required,
        offer_names=True,
    )


def townships_widget() -> NameManyToManyWidget:
    return NameManyToManyWidget(
        Township.objects.all(), names=Township.import_names, loose=Township.stem, render_attr="name"
    )
