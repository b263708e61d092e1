"""The audit log's hash chain: written by every path, checked by `skillaid audit verify`."""

import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from skillaid.accounts.auditlog import audit_verify
from skillaid.accounts.models import AuditEntry, audit, chained_values
from skillaid.accounts.system import system_user
from skillaid.lib import chain
from skillaid.people.imports import LedgerImport
from skillaid.regions.models import Region
from tests.conftest import MASHAN, new_id
from tests.people.sheets import xlsx

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="raw rewrites on SQLite")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")


def entries(n: int) -> list[AuditEntry]:
    return [
        audit(
            actor=None,
            channel="page",
            action="update",
            object_type="people.person",
            object_id=i,
            person_id=i,
            changes={"phone": ["1", str(i)], "b": (1, 2), 3: None},
            note=f"第{i}条",
        )
        for i in range(1, n + 1)
    ]


def verify() -> tuple[int, str]:
    """`skillaid audit verify`: its exit code and what it printed."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, err.getvalue()
    return 0, out.getvalue()


def test_each_entry_chains_onto_the_one_before(db):
    made = entries(3)
    previous = chain.GENESIS
    for entry in AuditEntry.objects.order_by("id"):
        assert entry.hash == chain.link(chained_values(entry.__dict__), previous)
        previous = entry.hash
    assert previous == made[-1].hash
    assert verify() == (0, f"intact, 3 entries (from the first entry); last hash {previous}\n")


@on_sqlite
def test_an_entry_changed_behind_the_orms_back_is_reported(db):
    made = entries(3)
    with connection.cursor() as cursor:
        # What someone with the database file can do: set the trigger aside and rewrite.
        cursor.execute("DROP TRIGGER accounts_auditentry_no_update")
        cursor.execute(
            "UPDATE accounts_auditentry SET note = 'rewritten' WHERE id = %s", [made[1].pk]
        )
    code, report = verify()
    assert code == 1
    assert report.startswith(f"broken at entry {made[1].pk} ({chain.moment(made[1].at)})")
    assert "1 entries before it are intact" in report


@on_sqlite
def test_a_removed_entry_breaks_the_link_of_the_next(db):
    made = entries(3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditentry WHERE id = %s", [made[1].pk])
    verdict = audit_verify()
    assert verdict.broken.entry_id == made[2].pk


@on_sqlite
def test_an_inserted_entry_is_found_even_with_a_well_formed_hash(db):
    made = entries(2)
    row = {**made[0].__dict__, "note": "forged", "actor_name": "某人"}
    forged = chain.link(chained_values(row), made[0].hash)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_auditentry (id, at, actor_name, channel, action, object_type, "
            "object_id, person_id, changes, note, hash) SELECT %s, at, %s, channel, action, "
            "object_type, object_id, person_id, changes, %s, %s FROM accounts_auditentry WHERE id = %s",
            [made[0].pk + 1000, "某人", "forged", forged, made[0].pk],
        )
        # Slotted between the two by id: renumber the second after it, as a forger would.
        cursor.execute("DROP TRIGGER accounts_auditentry_no_update")
        cursor.execute(
            "UPDATE accounts_auditentry SET id = %s WHERE id = %s", [made[0].pk + 2000, made[1].pk]
        )
    verdict = audit_verify()
    assert verdict.broken.entry_id == made[0].pk + 2000
    assert verdict.entries == 2  # the first, and the forged one that links onto it


@on_postgresql
def test_on_postgresql_the_database_refuses_to_rewrite_an_entry_or_its_hash(db):
    entry = entries(1)[0]
    for sql in (
        "UPDATE accounts_auditentry SET hash = %s WHERE id = %s",
        "UPDATE accounts_auditentry SET note = %s WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, ["x", entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditentry WHERE id = %s", [entry.pk])
    assert verify()[0] == 0


def test_the_ledger_imports_bulk_entries_are_chained_with_the_rest(tmp_path, regions, wei):
    county = Region.objects.get(code=MASHAN)
    rows = [
        ["韦小宝", new_id(), "13812345678", "脱贫户", "是", "家政服务员", "否", "是"],
        ["覃美玲", new_id(), "", "监测户", "否", "", "是", "否"],
        ["黄大山", new_id(), "0771-5551234", "一般户", "是", "电工、焊工", "否", "否"],
    ]
    LedgerImport(actor=wei, county=county).run(xlsx(tmp_path / "a.xlsx", rows))
    entries(1)
    rows[0][2] = "13900001111"
    rows[0][3] = "监测户"  # a household category change: the import's other audit insert
    LedgerImport(actor=system_user(), county=county).run(xlsx(tmp_path / "b.xlsx", rows))
    kinds = list(AuditEntry.objects.order_by("id").values_list("object_type", "action"))
    # The creations are one entry for the import; each person keeps its import and row.
    assert kinds.count(("accounts.importrecord", "create")) == 1
    assert ("people.person", "create") not in kinds
    assert ("people.household", "update") in kinds and ("people.person", "update") in kinds
    verdict = audit_verify()
    assert verdict.intact and verdict.entries == len(kinds)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(regions):
    errors = []

    def write(n: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    audit(
                        actor=None,
                        channel="api",
                        action="update",
                        object_type="accounts.user",
                        object_id=f"{n}-{i}",
                    )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    verdict = audit_verify()
    assert verdict.intact, verdict.report()
    assert verdict.entries == 60
