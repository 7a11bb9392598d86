"""Scale data (``manage.py generate_scale_data``): the synthetic counties, each with its own units and users.

A county is numbered 1–999 and named by its prefix ``规模县001``; every row the generators make carries that prefix
(or a reserved code range, see the command's docstring), so that scale data can always be told apart from real and
demo data and removed in bulk. Users get unusable passwords: nobody logs in as them.
"""

import random
from dataclasses import dataclass, field

from django.db.models import Max

from core.imports.copy_insert import insert_instances

from .models import Township, Unit, User

#: Every scale unit's name, project's name, measure's and key task's title and hazard's location starts with this.
SCALE_MARK = "规模县"
#: Every scale user's username starts with this.
SCALE_USERNAME = "scale"
MAX_COUNTIES = 999

# The units of a county: key, name, short name, responsibility flags.
UNITS = (
    ("safety", "安全监管科", "安全科", {"supervises_safety": True}),
    ("roads", "建设管理科", "建管科", {}),
    ("transport", "运输管理科", "运管科", {"enforces_law": True}),
)
STAFF_PER_UNIT = 3
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗"
GIVEN_NAMES = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
)


def county_prefix(index: int) -> str:
    return f"{SCALE_MARK}{index:03d}"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_NAMES, k=rng.randint(1, 2)))


@dataclass
class County:
    """One synthetic county and what its generators share: its units (by key), their heads and staff, its leader,
    the townships to place things in, and the rows made so far that later generators link to."""

    index: int
    year: int
    factor: float
    townships: list
    units: dict = field(default_factory=dict)
    heads: dict = field(default_factory=dict)
    staff: dict = field(default_factory=dict)
    leader: User | None = None
    measures: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    enterprises: list = field(default_factory=list)
    vehicles: list = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return county_prefix(self.index)

    def count(self, per_county: int) -> int:
        """How many rows of a kind this county gets: the per-county figure times the factor, at least one."""
        return max(1, round(per_county * self.factor))


def last_county_index() -> int:
    """The highest county number already generated (0 when none): a new batch continues after it."""
    names = Unit.objects.filter(name__startswith=SCALE_MARK).aggregate(last=Max("name"))["last"]
    return int(names[len(SCALE_MARK) : len(SCALE_MARK) + 3]) if names else 0


def scale_townships() -> list:
    return list(Township.objects.filter(is_active=True).order_by("sort_order", "pk"))


def generate(county: County, rng: random.Random) -> dict[str, int]:
    """The county's leader, its units (with the leader overseeing them), a head and staff for each unit."""
    prefix, number = county.prefix, f"{county.index:03d}"
    leader = User(username=f"{SCALE_USERNAME}{number}_leader", role=User.Role.LEADER)
    leader.full_name = person_name(rng)
    leader.set_unusable_password()
    insert_instances(User, [leader])
    county.leader = leader
    units = [
        Unit(
            name=f"{prefix} {name}",
            short_name=f"{number}{short_name}",
            kind=Unit.Kind.SECTION,
            overseeing_leader=leader,
            sort_order=1000 + order,
            **flags,
        )
        for order, (_key, name, short_name, flags) in enumerate(UNITS)
    ]
    insert_instances(Unit, units)
    users = []
    for (key, *_rest), unit in zip(UNITS, units, strict=True):
        county.units[key] = unit
        county.heads[key] = User(username=f"{SCALE_USERNAME}{number}_head_{key}", unit=unit, role=User.Role.UNIT_HEAD)
        county.staff[key] = [
            User(username=f"{SCALE_USERNAME}{number}_staff_{key}{n}", unit=unit, role=User.Role.STAFF)
            for n in range(1, STAFF_PER_UNIT + 1)
        ]
        users += [county.heads[key], *county.staff[key]]
    for user in users:
        user.full_name = person_name(rng)
        user.set_unusable_password()
    insert_instances(User, users)
    return {"units": len(units), "users": len(users) + 1}


def clear() -> dict[str, int]:
    """Remove the scale users and units (after the other apps' scale rows, which refer to them)."""
    from core.scale import raw_delete

    users = User.objects.filter(username__regex=rf"^{SCALE_USERNAME}[0-9]{{3}}_")
    units = Unit.objects.filter(name__startswith=SCALE_MARK)
    counts = {"users": raw_delete(users.filter(unit__isnull=False))}
    counts["units"] = raw_delete(units)
    counts["users"] += raw_delete(users)
    return counts
