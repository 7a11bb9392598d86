"""Generate province-scale synthetic data: ``manage.py generate_scale_data --counties N``.

Per county (``--per-county-factor`` scales every figure; default 1): 3 units with a head and 3 staff each and a
leader; 5 key tasks and 100 measures of the year's work plan; 300 projects with townships, served measures, the
year's investment plan, a funding source, 3 milestones and monthly progress for the months under way; 100 transport
enterprises and 2,000 vehicles; 5,000 hazards of the year with the transitions their status implies. 100 counties
make 500,000 hazards, 30,000 projects, 10,000 measures and 200,000 vehicles.

How scale rows are recognised (and what ``--clear`` deletes, in bulk):
- units, projects, key tasks, measures: name or title starting with ``规模县`` (the county prefix ``规模县001`` …);
  a work plan made here (when the year had none) has a title starting with ``规模县`` too;
- hazards: location starting with ``规模县``; users: username ``scale<3 digits>_…``;
- enterprises: credit codes ``91430181Y…`` (``Y`` + county + number as organisation code body); vehicles: plates
  ``湘W…`` (no Hunan prefecture uses W);
- their children (progress, milestones, transitions, M2M rows …) go with them.
The demo data (``load_demo_data``, ``is_demo``) is never touched; generated rows have ``is_demo`` False.

Hazard codes are the ordinary ``YH-<year>-<number>``, taken from the year's code counter, which is moved on: a hazard
registered afterwards gets the next number. ``--clear`` does not move the counter back (codes are not reused).

Running again without ``--clear`` adds another batch of counties, numbered after the last one (at most 999 in all).
Rows are inserted in batches with ``core.imports.copy_insert.insert_instances`` (COPY on PostgreSQL, bulk_create
elsewhere): no ``save()``, no signals, and so no audit entries — synthetic data is not a user's write. Each county is
one transaction.
"""

import random
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import enterprises.scale
import organisation.scale
import plans.scale
import projects.scale
import safety.scale
from organisation.scale import MAX_COUNTIES, County

DEFAULT_SEED = 20200101


class Command(BaseCommand):
    help = (
        "Generate province-scale synthetic data (per county: 5,000 hazards, 300 projects, 100 measures, 2,000 "
        "vehicles and what they need). Rows are marked by the prefix 规模县, credit codes 91430181Y…, plates 湘W…; "
        "--clear removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--counties", type=int, required=True, help="How many counties to generate (0: none).")
        parser.add_argument("--year", type=int, default=2020, help="The year of the plan, progress and hazards.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed (same seed, same data).")
        parser.add_argument("--clear", action="store_true", help="Remove the scale data generated before, first.")
        parser.add_argument(
            "--per-county-factor",
            type=float,
            default=1.0,
            help="Multiply every per-county figure (e.g. 0.02 for a quick test run; each kind keeps at least 1).",
        )

    def handle(self, *args, counties, year, seed, clear, per_county_factor, **options):
        if counties < 0 or per_county_factor <= 0:
            raise CommandError("--counties must be 0 or more and --per-county-factor above 0.")
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be between 2000 and 2100.")
        started = time.monotonic()
        if clear:
            removed = self.clear()
            self.stdout.write(f"Removed the scale data ({time.monotonic() - started:.1f} s):")
            self.write_counts(removed)
        first = organisation.scale.last_county_index() + 1
        if first + counties - 1 > MAX_COUNTIES:
            raise CommandError(
                f"Counties {first}–{first + counties - 1} would pass the {MAX_COUNTIES} the reserved ranges allow; "
                "use --clear."
            )
        townships = organisation.scale.scale_townships()
        if not townships:
            raise CommandError("No townships: run the migrations first.")
        totals = Counter()
        generation_started = time.monotonic()
        for index in range(first, first + counties):
            county_started = time.monotonic()
            rng = random.Random(f"{seed}-{index}")  # each county reproducible on its own
            county = County(index=index, year=year, factor=per_county_factor, townships=townships)
            with transaction.atomic():
                counts = Counter(organisation.scale.generate(county, rng))
                counts.update(plans.scale.generate(county, rng, plan=plans.scale.ensure_plan(year)))
                counts.update(projects.scale.generate(county, rng))
                counts.update(enterprises.scale.generate(county, rng))
                counts.update(safety.scale.generate(county, rng))
            totals.update(counts)
            self.stdout.write(
                f"{county.prefix}: {sum(counts.values())} rows in {time.monotonic() - county_started:.1f} s "
                f"({counts['hazards']} hazards, {counts['projects']} projects, {counts['measures']} measures, "
                f"{counts['vehicles']} vehicles)"
            )
        elapsed = time.monotonic() - generation_started
        self.stdout.write(f"Generated {counties} counties, {sum(totals.values())} rows in {elapsed:.1f} s:")
        self.write_counts(totals)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))

    @transaction.atomic
    def clear(self) -> Counter:
        removed = Counter()
        # Children before parents: the deletes are raw (no cascade).
        for app in (safety.scale, enterprises.scale, projects.scale, plans.scale, organisation.scale):
            removed.update(app.clear())
        return removed

    def write_counts(self, counts: Counter) -> None:
        for name, count in sorted(counts.items()):
            self.stdout.write(f"  {name:<28} {count:>10,}")
