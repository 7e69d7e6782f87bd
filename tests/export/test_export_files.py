"""CSV, Parquet and ZIP exports of a stored dataset."""

from __future__ import annotations

import csv
import io
import zipfile

import duckdb
import pyarrow.parquet as pq
import pytest

from tests import handmade


@pytest.fixture
def ds(tmp_store):
    return tmp_store.save("shop", handmade.make_result("postgres", 25))


def test_csv_per_table(ds, tmp_path):
    paths = ds.to_csv(tmp_path / "out")
    assert sorted(p.name for p in paths) == sorted(f"{t}.csv" for t in ds.tables)
    want = handmade.shop_tables("postgres", 25)
    for p in paths:
        rows = list(csv.reader(io.StringIO(p.read_text(encoding="utf-8"), newline="")))
        key = p.stem
        assert rows[0] == [c.name for c in ds.schema.table(key).columns]
        assert len(rows) - 1 == ds.row_counts[key]
    cust = list(csv.DictReader(open(tmp_path / "out" / "customer.csv", encoding="utf-8", newline="")))
    assert [r["name"] for r in cust] == [x or "x" for x in want["customer"].column("name").to_pylist()]
    # NULL is an empty field, an empty string is "" (quoted)
    email = want["customer"].column("email").to_pylist()
    assert [r["email"] for r in cust] == [e or "" for e in email]
    raw = (tmp_path / "out" / "orders.csv").read_text(encoding="utf-8")
    notes = want["orders"].column("note").to_pylist()
    i = notes.index("")
    line = [row for row in csv.reader(io.StringIO(raw, newline=""))][i + 1]
    assert line[4] == ""
    assert '""' in raw  # the empty note is quoted, NULL notes are not
    back = duckdb.sql(f"SELECT count(*) FROM read_csv('{tmp_path / 'out' / 'orders.csv'}', header=true)").fetchall()
    assert back[0][0] == 25


def test_parquet_per_table(ds, tmp_path):
    paths = ds.to_parquet(tmp_path / "pq")
    assert len(paths) == len(ds.tables)
    t = pq.read_table(tmp_path / "pq" / "customer.parquet")
    assert t.num_rows == 25 and t.column("id").to_pylist() == list(range(1, 26))
    assert t.column("tags").to_pylist() == handmade.shop_tables("postgres", 25)["customer"].column("tags").to_pylist()


def test_zip_has_csvs_ddl_and_inserts(ds, tmp_path):
    path = ds.to_zip(tmp_path / "shop.zip")
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        assert names == {"schema.sql", "inserts.sql"} | {f"{t}.csv" for t in ds.tables}
        assert z.read("schema.sql").decode() == handmade.PG
        script = z.read("inserts.sql").decode()
        assert "INSERT INTO customer" in script and 'INSERT INTO "Product"' in script
        assert z.read("orders.csv").decode().startswith("id,customer_id,amount,status,note,ordered_at,shipped_at")
    assert not list(tmp_path.glob("*.partial"))


def test_computed_columns_left_out_of_files(tmp_store, tmp_path):
    import pyarrow as pa

    from synthtalk_jupyter.generation.result import GenerationResult
    from synthtalk_jupyter.schema.parse import parse_ddl

    schema = parse_ddl("CREATE TABLE line (id int PRIMARY KEY, qty int, price numeric(8,2), "
                       "total numeric(12,2) GENERATED ALWAYS AS (qty * price) STORED);", "postgres")
    b = pa.record_batch({"id": [1], "qty": [2], "price": [1.25]})
    ds = tmp_store.save("calc", GenerationResult(schema=schema, order=["line"], row_counts={"line": 1},
                                                 _chunks=lambda: iter([("line", b)])))
    assert "total" in ds.df("line").columns
    (p,) = ds.to_csv(tmp_path / "c")
    assert p.read_text().splitlines()[0] == "id,qty,price"
    script = ds.to_sql(tmp_path / "c.sql").read_text()
    assert "INSERT INTO line (id, qty, price) VALUES (1, 2, 1.25);" in script
