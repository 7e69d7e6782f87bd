"""The DuckDB store: datasets saved atomically, listed, opened, dropped, surviving a restart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from tests import handmade
from synthtalk_jupyter.errors import StoreError
from synthtalk_jupyter.schema.model import ColumnType, Kind
from synthtalk_jupyter.store import Store, check_name, duckdb_type

ROOT = Path(__file__).resolve().parents[1]


def test_save_list_open_drop(tmp_store):
    assert tmp_store.list() == [] and not tmp_store.exists("shop") and tmp_store.active is None
    ds = tmp_store.save("shop", handmade.make_result("postgres", 12))
    assert ds.name == "shop" and ds.tables == handmade.make_result("postgres", 12).order
    assert ds.row_counts["customer"] == 12 and ds.count("orders") == 12
    tmp_store.save("Other", handmade.make_result("sqlite", 5))
    assert tmp_store.names() == ["Other", "shop"]
    assert tmp_store.exists("SHOP") and tmp_store.exists("other")
    assert tmp_store.active == "Other"  # the most recently generated
    assert tmp_store.open("shop").name == "shop" and tmp_store.active == "shop"
    info = tmp_store.info("shop")
    assert info.dialect == "postgres" and "CREATE TABLE customer" in info.source and info.version == 1
    assert info.notices == ["hand-made"] and info.total_rows == sum(ds.row_counts.values())
    tmp_store.drop("shop")
    assert tmp_store.names() == ["Other"] and not tmp_store.exists("shop")
    assert tmp_store.active != "shop"
    with tmp_store.connect() as con:
        schemas = {r[0] for r in con.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()}
    assert "shop" not in schemas and "Other" in schemas
    with pytest.raises(StoreError, match="No dataset named 'shop'.*Other"):
        tmp_store.open("shop")
    with pytest.raises(StoreError, match="No dataset named"):
        tmp_store.drop("shop")


def test_resave_replaces_and_versions(tmp_store):
    tmp_store.save("shop", handmade.make_result("postgres", 10))
    ds = tmp_store.save("shop", handmade.make_result("postgres", 20), {"options": {"rows": 20}})
    assert ds.row_counts["customer"] == 20 and ds.count("customer") == 20 and ds.version == 2
    assert [v["version"] for v in tmp_store.versions("shop")] == [1, 2]
    assert tmp_store.info("shop").options == {"rows": 20}


def test_failed_save_keeps_previous_dataset(tmp_store):
    tmp_store.save("shop", handmade.make_result("postgres", 10))
    broken = handmade.make_result("postgres", 50)
    inner = broken._chunks

    def chunks():
        for i, (key, batch) in enumerate(inner()):
            if i == 6:
                raise RuntimeError("engine crashed half-way")
            yield key, batch

    broken._chunks = chunks
    with pytest.raises(RuntimeError, match="half-way"):
        tmp_store.save("shop", broken)
    ds = tmp_store.open("shop")
    assert ds.count("customer") == 10 and ds.row_counts["customer"] == 10 and ds.version == 1
    assert ds.validate().ok

    # a batch DuckDB rejects (a column the table lacks) is a StoreError, store unchanged
    bad = handmade.make_result("postgres", 5)
    bad_inner = bad._chunks
    bad._chunks = lambda: ((k, b.append_column("nope", b.column(0))) for k, b in bad_inner())
    with pytest.raises(StoreError, match="store is unchanged"):
        tmp_store.save("shop", bad)
    assert tmp_store.open("shop").count("customer") == 10


def test_reader_never_sees_a_half_written_dataset(tmp_store):
    tmp_store.save("shop", handmade.make_result("postgres", 10))
    reader = Store(tmp_store.path)  # another Store object (e.g. the dashboard) in the same process
    seen = []
    result = handmade.make_result("postgres", 40)
    inner = result._chunks

    def chunks():
        for key, batch in inner():
            yield key, batch
            ds = reader.open("shop") if reader.exists("shop") else None
            seen.append((ds.count("customer"), ds.count("orders"), ds.row_counts["customer"]))

    result._chunks = chunks
    tmp_store.save("shop", result)
    assert seen and set(seen) == {(10, 10, 10)}
    assert reader.open("shop").count("customer") == 40


def test_restart_in_a_fresh_process(tmp_path):
    path = tmp_path / "persist.duckdb"
    store = Store(path)
    store.save("shop", handmade.make_result("mysql", 15))
    store.save("other", handmade.make_result("sqlite", 4))
    store.open("shop")  # active is remembered in the store
    code = textwrap.dedent(f"""
        import json, os
        os.environ["SYNTHTALK_STORE"] = {str(path)!r}
        from synthtalk_jupyter.store import Store
        from synthtalk_jupyter.dataset import Dataset
        s = Store()
        ds = s.active_dataset()
        print(json.dumps({{"names": s.names(), "active": s.active, "tables": ds.tables,
                          "n": ds.count("customer"), "first": ds.df("customer")["name"].iloc[0],
                          "ok": ds.validate().ok}}))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"names": ["other", "shop"], "active": "shop", "tables": store.info("shop").tables,
                   "n": 15, "first": "O'Brien", "ok": True}


def test_default_path_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTHTALK_STORE", str(tmp_path / "env.duckdb"))
    assert Store().path == str(tmp_path / "env.duckdb")
    monkeypatch.delenv("SYNTHTALK_STORE")
    monkeypatch.chdir(tmp_path)
    assert Store().path == str(tmp_path / "synthtalk.duckdb")


@pytest.mark.parametrize("name", ["", "1abc", "my-data", "a b", "main", "select", "_synthtalk", "x" * 64,
                                  "drop;--", "information_schema"])
def test_bad_dataset_names(tmp_store, name):
    with pytest.raises(StoreError, match="(Invalid|must be) .*"):
        tmp_store.save(name, handmade.make_result("sqlite", 3))
    assert tmp_store.list() == []


def test_good_dataset_names():
    for name in ["shop", "Sales_2024", "_scratch", "x" * 63]:
        assert check_name(name) == name


def test_corrupt_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 500)
    with pytest.raises(StoreError, match="not a valid DuckDB database"):
        Store(bad).list()
    with pytest.raises(StoreError, match="not a valid DuckDB database"):
        Store(bad).save("shop", handmade.make_result("sqlite", 3))


def test_unusable_paths(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)
    with pytest.raises(StoreError, match="cannot be opened"):
        Store(tmp_path / "missing" / "dir" / "s.duckdb").save("shop", handmade.make_result("sqlite", 3))
    assert Store(tmp_path / "missing" / "s.duckdb").list() == []


def test_foreign_duckdb_file_can_hold_a_store(tmp_path):
    path = tmp_path / "foreign.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INT)")
    con.close()
    store = Store(path)
    assert store.list() == [] and not store.exists("t")
    store.save("shop", handmade.make_result("sqlite", 3))  # a store can live next to other tables
    assert store.names() == ["shop"]


def test_busy_store_waits_then_explains(tmp_path):
    path = tmp_path / "busy.duckdb"
    Store(path).save("shop", handmade.make_result("sqlite", 3))
    holder = subprocess.Popen([sys.executable, "-c",
                               f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ready', flush=True); "
                               "time.sleep(4)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        t0 = time.monotonic()
        with pytest.raises(StoreError, match="busy"):
            Store(path, timeout=1).list()
        assert time.monotonic() - t0 >= 0.9
        # a patient caller gets through once the other process lets go
        assert Store(path, timeout=30).names() == ["shop"]
    finally:
        holder.kill()
        holder.wait()


def test_memory_store():
    store = Store(":memory:")
    ds = store.save("shop", handmade.make_result("postgres", 6))
    assert store.names() == ["shop"] and ds.count("orders") == 6 and ds.validate().ok


def test_column_types_in_duckdb(tmp_store):
    tmp_store.save("my", handmade.make_result("mysql", 5))
    tmp_store.save("pg", handmade.make_result("postgres", 5))
    with tmp_store.connect() as con:
        types = {(s, t, c): d for s, t, c, d in con.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE schema_name IN ('my', 'pg')").fetchall()}
    assert types[("my", "customer", "id")] == "UINTEGER"
    assert types[("my", "customer", "score")] == "INTEGER"  # MEDIUMINT: range checked by validate
    assert types[("my", "customer", "balance")] == "DECIMAL(10,2)"
    assert types[("my", "customer", "level")] == "VARCHAR"
    assert types[("my", "customer", "profile")] == "JSON"
    assert types[("my", "customer", "photo")] == "BLOB"
    assert types[("pg", "customer", "tags")] == "VARCHAR[]"
    assert types[("pg", "customer", "uid")] == "UUID"
    assert types[("pg", "customer", "seen_at")] == "TIMESTAMP WITH TIME ZONE"
    assert types[("pg", "order_item", "line")] == "SMALLINT"
    assert duckdb_type(ColumnType(Kind.DECIMAL, precision=60, scale=2)) == "DOUBLE"
    assert duckdb_type(ColumnType(Kind.INT, bits=8, unsigned=True)) == "UTINYINT"
    assert duckdb_type(ColumnType(Kind.ARRAY, element=ColumnType(Kind.INT, bits=64))) == "BIGINT[]"


def test_computed_columns_are_evaluated_when_translatable(tmp_store):
    from synthtalk_jupyter.generation.result import GenerationResult
    from synthtalk_jupyter.schema.parse import parse_ddl
    import pyarrow as pa

    schema = parse_ddl("""
        CREATE TABLE line (id int PRIMARY KEY, qty int NOT NULL, price numeric(8,2) NOT NULL,
                           total numeric(12,2) GENERATED ALWAYS AS (qty * price) STORED);""", "postgres")
    batch = pa.record_batch({"id": [1, 2], "qty": [3, 4], "price": pa.array([1.5, 2.25], pa.float64())})
    result = GenerationResult(schema=schema, order=["line"], row_counts={"line": 2},
                              _chunks=lambda: iter([("line", batch)]))
    ds = tmp_store.save("calc", result)
    assert [float(x) for x in ds.df("line")["total"]] == [4.5, 9.0]
    assert ds.validate().ok
