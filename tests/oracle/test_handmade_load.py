"""The INSERT script of the hand-made shop (NOT NULL cycle, self-references, composite keys, awkward
strings, every value kind) runs after the original DDL in real PostgreSQL, MariaDB and SQLite:
every row arrives intact, no FK orphan by the engine's own catalog, and identity columns continue."""

from __future__ import annotations

import decimal

import pytest

from tests import handmade
from tests.oracle.oracle_checks import (mysql_orphans, mysql_table_counts, pg_orphans, pg_table_counts, sqlite_orphans,
                           sqlite_table_counts)
from synthtalk_jupyter.export.inserts import result_to_sql

pytestmark = pytest.mark.db

N = 40


def _expected(dialect: str) -> dict[str, int]:
    return {k: v.num_rows for k, v in handmade.shop_tables(dialect, N).items()}


@pytest.mark.parametrize("via", ["result", "dataset"])
def test_postgres_loads_shop(pg_db, tmp_path, tmp_store, via):
    result = handmade.make_result("postgres", N, chunk_rows=9)
    script = tmp_path / "inserts.sql"
    if via == "result":
        result_to_sql(result, script, batch_rows=16)
    else:
        tmp_store.save("shop", result).to_sql(script)
    (tmp_path / "ddl.sql").write_text(handmade.PG)
    pg_db.run_file(tmp_path / "ddl.sql")
    pg_db.run_file(script)

    counts = pg_table_counts(pg_db)
    expected = _expected("postgres")
    assert {k.strip('"'): v for k, v in counts.items()} == expected
    orphans = pg_orphans(pg_db)
    assert len(orphans) == 8 and sum(orphans.values()) == 0, orphans
    # values survive: awkward strings, bytes, arrays, json, decimals, timestamptz
    names = [r[0] for r in pg_db.query("SELECT name FROM customer ORDER BY id")]
    tables = handmade.shop_tables("postgres", N)
    want = tables["customer"].column("name").to_pylist()
    assert names == [w or "x" for w in want]
    row = pg_db.query("SELECT encode(photo, 'hex'), array_to_string(tags, '|'), profile->>'k', balance::text, "
                      "seen_at AT TIME ZONE 'UTC', uid::text, \"Product\".\"Title\" "
                      "FROM customer, \"Product\" WHERE customer.id = 6 AND sku = 'SKU00000'")[0]
    assert row[0] == bytes([5, 0, 255, 39, 92]).hex()
    assert row[1] == "new|vip's" and row[2] == "v's" and row[3] == "185.05"
    assert row[4] == "2024-03-01 12:05:00" and row[5] == "00000000-0000-4000-8000-000000000005"
    assert row[6] == "Product O'Brien"
    # identity and serial continue after the loaded keys
    nxt = pg_db.query("INSERT INTO customer (name, created_at) VALUES ('new', now()) RETURNING id")
    assert nxt[0][0] == str(N + 1)
    nxt = pg_db.query("INSERT INTO orders (customer_id, amount, status, ordered_at) "
                      "VALUES (1, 1, 'new', now()) RETURNING id")
    assert nxt[0][0] == str(N + 1)


@pytest.mark.parametrize("via", ["result", "dataset"])
def test_mariadb_loads_shop(mysql_db, tmp_path, tmp_store, via):
    result = handmade.make_result("mysql", N, chunk_rows=9)
    script = tmp_path / "inserts.sql"
    if via == "result":
        result_to_sql(result, script, batch_rows=16)
    else:
        tmp_store.save("shop", result).to_sql(script)
    (tmp_path / "ddl.sql").write_text(handmade.MYSQL)
    mysql_db.run_file(tmp_path / "ddl.sql")
    mysql_db.run_file(script)

    counts = mysql_table_counts(mysql_db, [mysql_db.name])
    assert {k.split(".")[1].strip("`"): v for k, v in counts.items()} == _expected("mysql")
    orphans = mysql_orphans(mysql_db, [mysql_db.name])
    assert len(orphans) == 8 and sum(orphans.values()) == 0, orphans
    tables = handmade.shop_tables("mysql", N)
    names = [r[0] for r in mysql_db.query("SELECT name FROM customer ORDER BY id")]
    assert names == [w or "x" for w in tables["customer"].column("name").to_pylist()]
    notes = [r[0] for r in mysql_db.query("SELECT note FROM orders ORDER BY id")]
    assert notes == tables["orders"].column("note").to_pylist()
    row = mysql_db.query("SELECT HEX(photo), tags, JSON_VALUE(profile, '$.k'), balance, ST_AsText(location), "
                         "score FROM customer WHERE id = 4")[0]
    assert row[0].lower() == bytes([3, 0, 255, 39, 92]).hex()
    assert row[1] == "churn" and row[2] == "v's" and row[3] == decimal.Decimal("111.03")
    assert row[4] == "POINT(3 3)" and row[5] == tables["customer"].column("score")[3].as_py()
    con = mysql_db.connect()
    try:
        with con.cursor() as cur:
            cur.execute("INSERT INTO customer (name, created_at) VALUES ('new', NOW())")
            assert cur.lastrowid == N + 1
    finally:
        con.close()


@pytest.mark.parametrize("via", ["result", "dataset"])
def test_sqlite_loads_shop(sqlite_db, tmp_path, tmp_store, via):
    result = handmade.make_result("sqlite", N, chunk_rows=9)
    script = tmp_path / "inserts.sql"
    if via == "result":
        result_to_sql(result, script, batch_rows=16)
    else:
        tmp_store.save("shop", result).to_sql(script)
    sqlite_db.run(handmade.SQLITE)
    sqlite_db.run_file(script)

    assert sqlite_table_counts(sqlite_db) == _expected("sqlite")
    assert sqlite_orphans(sqlite_db) == []
    tables = handmade.shop_tables("sqlite", N)
    names = [r[0] for r in sqlite_db.query("SELECT name FROM customer ORDER BY id")]
    assert names == [w or "x" for w in tables["customer"].column("name").to_pylist()]
    row = sqlite_db.query("SELECT hex(photo), active, created_at FROM customer WHERE id = 2")[0]
    assert row == (bytes([1, 0, 255, 39, 92]).hex().upper(), 1, "2024-01-01 10:30:00.001001")


def test_script_fails_loudly_on_orphans(pg_db, tmp_path):
    """The oracle can fail: an orphan in the data makes PostgreSQL reject the script (checks are
    only off around the cycle's table)."""
    def orphan(tables):
        handmade.replace_column(tables, "orders", "customer_id",
                                [999] + tables["orders"].column("customer_id").to_pylist()[1:])

    result = handmade.make_result("postgres", N, mutate=orphan)
    script = result_to_sql(result, tmp_path / "bad.sql")
    (tmp_path / "ddl.sql").write_text(handmade.PG)
    pg_db.run_file(tmp_path / "ddl.sql")
    with pytest.raises(AssertionError, match="foreign key"):
        pg_db.run_file(script)


def test_catalog_check_sees_orphans_loaded_with_checks_off(pg_db, tmp_path):
    """An orphan in the table loaded with checks off is not rejected by PostgreSQL, but the
    catalog-driven anti-join of the oracle finds it."""
    def orphan(tables):
        handmade.replace_column(tables, "store", "manager_id", [1, 2, 77])

    result = handmade.make_result("postgres", N, mutate=orphan)
    script = result_to_sql(result, tmp_path / "bad.sql")
    (tmp_path / "ddl.sql").write_text(handmade.PG)
    pg_db.run_file(tmp_path / "ddl.sql")
    pg_db.run_file(script)
    orphans = pg_orphans(pg_db)
    assert orphans == {**{k: 0 for k in orphans}, "store.store_manager_fk": 1}
