"""Two imports of the same file at the same moment: the second sees the first's result."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from tandem.core.tenancy import system_access
from tandem.organisations import importing
from tandem.organisations.models import ImportBatch, Person
from tests.organisations.test_import import TEAM, csv_bytes


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_imports_apply_the_file_once(cast, monkeypatch):
    data = csv_bytes(TEAM)
    actor = cast.actor("coordinator")
    original = importing.lock_organisation

    def slow_lock(organisation):
        locked = original(organisation)
        time.sleep(0.3)  # hold the lock while the other import tries to start
        return locked

    monkeypatch.setattr(importing, "lock_organisation", slow_lock)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run() -> None:
        try:
            barrier.wait()
            results.append(importing.apply(actor, cast.riverside, "people.csv", data))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if connection.vendor == "sqlite":
        # The in-memory SQLite test database refuses a second writer outright instead of
        # waiting (a file database waits, as PostgreSQL does): still, only one import runs.
        assert [result.applied for result in results] == [True]
        assert [str(exc) for exc in errors] == ["database table is locked"]
    else:
        # The second import waits for the lock, then finds nothing left to change.
        assert errors == []
        assert sorted(result.applied for result in results) == [False, True]
    with system_access():
        assert ImportBatch.objects.count() == 1
        assert Person.objects.filter(email__endswith="@riverside.example").count() == 8
