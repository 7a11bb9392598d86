"""Codes stay unique and gap-free when several people register at once: each registration locks its year's counter
row (SELECT … FOR UPDATE) until it commits. Real concurrency on PostgreSQL (each thread its own connection); on
SQLite, which lets one writer in at a time, a writer that finds the database locked tries again."""

import threading
import time

import pytest
from django.db import OperationalError, connection, connections

from safety import services
from safety.models import Hazard, HazardCodeCounter

from .factories import register_fields

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_consecutive_codes(alice, unit_a):
    fields = register_fields(responsible_unit=unit_a)
    barrier = threading.Barrier(THREADS)
    codes, errors = [], []
    in_lock = threading.Event()
    original_take = services.CodeAllocator.take

    def slow_take(self, year):
        code = original_take(self, year)
        in_lock.set()
        time.sleep(0.05)  # hold the counter's lock a little while the others queue behind it
        return code

    def register():
        try:
            barrier.wait(timeout=10)
            for _attempt in range(200):
                try:
                    codes.append(services.hazard_register(user=alice, **fields).code)
                    return
                except OperationalError as error:  # SQLite only: "database (table) is locked"
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    time.sleep(0.02)
            errors.append("gave up")
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(repr(error))
        finally:
            connections.close_all()

    services.CodeAllocator.take = slow_take
    try:
        threads = [threading.Thread(target=register) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        services.CodeAllocator.take = original_take
    assert errors == []
    assert in_lock.is_set()
    expected = [f"YH-2020-{n:04d}" for n in range(1, THREADS + 1)]
    assert sorted(codes) == expected
    assert sorted(Hazard.objects.values_list("code", flat=True)) == expected
    assert HazardCodeCounter.objects.get(year=2020).last_number == THREADS
