"""Validation counts every kind of violation exactly (injected into hand-made data) and reads zero
on clean data; it runs on a Dataset or on an open connection (inside a transaction, without
breaking it) and is quick on a million rows."""

from __future__ import annotations

import time

import duckdb
import pyarrow as pa
import pytest

from tests import handmade
from tests.handmade import replace_column
from synthtalk_jupyter.generation.result import GenerationResult
from synthtalk_jupyter.schema.parse import parse_ddl
from synthtalk_jupyter.validate import ValidationReport, validate


def _report(store, dialect="postgres", mutate=None, n=30) -> ValidationReport:
    ds = store.save("shop", handmade.make_result(dialect, n, mutate=mutate))
    return ds.validate()


def _col(tables, table, column):
    return tables[table].column(column).to_pylist()


def test_clean_data_is_ok(tmp_store):
    for dialect in ("postgres", "mysql", "sqlite"):
        rep = _report(tmp_store, dialect)
        assert rep.ok, str(rep)
        assert rep.total_violations == 0 and rep.violations == []
        kinds = {f.kind for f in rep.findings}
        assert kinds == {"primary key", "unique", "foreign key", "not null", "check", "type"}
        assert rep.row_counts["customer"] == 30 and rep.dataset == "shop"
        assert str(rep).startswith("OK: 0 violations in 7 tables")


def test_primary_key_duplicates_and_nulls(tmp_store):
    def mutate(t):
        ids = _col(t, "customer", "id")
        ids[1] = ids[0]  # one duplicate
        ids[2] = ids[0]  # a second duplicate of the same value
        replace_column(t, "customer", "id", ids)
        items = _col(t, "order_item", "line")
        items[1] = None  # NULL in a composite PK
        replace_column(t, "order_item", "line", items)

    rep = _report(tmp_store, mutate=mutate)
    assert not rep.ok
    assert rep.counts()["customer"]["PRIMARY KEY (id)"] == 2
    assert rep.counts()["order_item"]["NOT NULL line"] == 1
    assert rep.counts()["order_item"]["PRIMARY KEY (order_id, line)"] == 0  # a NULL key is no duplicate
    # customers 2 and 3 are gone: the orders and referrals pointing at them are orphans now
    tables = handmade.shop_tables("postgres", 30)
    lost = {2, 3}
    assert rep.count("orders", "foreign key") == sum(c in lost for c in _col(tables, "orders", "customer_id"))
    assert rep.count("customer", "foreign key") == sum(c in lost for c in _col(tables, "customer", "referrer_id"))


def test_unique_ignores_nulls(tmp_store):
    def mutate(t):
        emails = _col(t, "customer", "email")
        assert emails.count(None) >= 2  # NULLs are never duplicates
        emails[1] = emails[2] = emails[3] = "same@example.com"
        replace_column(t, "customer", "email", emails)

    rep = _report(tmp_store, mutate=mutate)
    assert rep.counts()["customer"]["UNIQUE (email)"] == 2
    assert rep.total_violations == 2


def test_foreign_key_orphans_single_and_composite(tmp_store):
    def mutate(t):
        cust = _col(t, "orders", "customer_id")
        cust[0] = 9999
        replace_column(t, "orders", "customer_id", cust)
        o, ln = _col(t, "shipment", "order_id"), _col(t, "shipment", "line")
        ok_row = next(i for i in range(len(o)) if o[i] is not None)
        ln[ok_row] = 77  # (order, 77) does not exist though the order does
        null_row = next(i for i in range(len(o)) if o[i] is None)
        ln[null_row] = 5  # (NULL, 5): skipped, MATCH SIMPLE
        replace_column(t, "shipment", "line", ln)

    rep = _report(tmp_store, mutate=mutate)
    fks = {f.constraint: f.count for f in rep.findings if f.kind == "foreign key"}
    assert fks["FOREIGN KEY (customer_id) -> customer(id)"] == 1
    assert fks["FOREIGN KEY (order_id, line) -> order_item(order_id, line)"] == 1
    assert rep.total_violations == 2


def test_not_null_and_check(tmp_store):
    def mutate(t):
        names = _col(t, "customer", "name")
        names[4] = None
        replace_column(t, "customer", "name", names)
        qty = _col(t, "order_item", "qty")
        qty[0], qty[1] = 0, 101  # BETWEEN 1 AND 100
        replace_column(t, "order_item", "qty", qty)
        status = _col(t, "orders", "status")
        status[3] = "lost"
        replace_column(t, "orders", "status", status)
        shipped = _col(t, "orders", "shipped_at")
        ordered = _col(t, "orders", "ordered_at")
        shipped[0] = ordered[0].replace(year=ordered[0].year - 1)  # shipped before ordered
        replace_column(t, "orders", "shipped_at", shipped)

    rep = _report(tmp_store, mutate=mutate)
    assert rep.counts()["customer"]["NOT NULL name"] == 1
    checks = {(f.table, f.constraint): f.count for f in rep.findings if f.kind == "check"}
    assert sum(v for (t, _), v in checks.items() if t == "order_item") == 2
    assert sum(v for (t, _), v in checks.items() if t == "orders") == 2  # status IN + shipped >= ordered
    assert rep.total_violations == 5
    frame = rep.to_frame(violations_only=True)
    assert set(frame["table"]) == {"customer", "order_item", "orders"} and frame["count"].sum() == 5


def test_type_fit(tmp_store):
    def mutate(t):
        names = _col(t, "customer", "name")
        names[0] = "x" * 41  # VARCHAR(40)
        replace_column(t, "customer", "name", names)
        score = _col(t, "customer", "score")
        score[1], score[2] = 8_388_608, -8_388_609  # MEDIUMINT range, stored as INTEGER
        replace_column(t, "customer", "score", score)
        level = _col(t, "customer", "level")
        level[0] = "platinum"  # ENUM
        replace_column(t, "customer", "level", level)
        tags = _col(t, "customer", "tags")
        tags[1], tags[2] = "new,bogus", ""  # SET: a non-member; the empty set is fine
        replace_column(t, "customer", "tags", tags)

    rep = _report(tmp_store, "mysql", mutate=mutate)
    types = {f.constraint: f.count for f in rep.findings if f.kind == "type" and f.table == "customer"}
    assert types["VARCHAR(40) name"] == 1
    assert types["MEDIUMINT score"] == 2
    assert [v for k, v in types.items() if k.endswith(" level")] == [1]
    assert [v for k, v in types.items() if k.endswith(" tags")] == [1]
    assert rep.total_violations == 5


def test_untranslatable_check_is_listed_not_counted(tmp_store):
    schema = parse_ddl("""
        CREATE TABLE t (id int PRIMARY KEY, v varchar(10),
                        CONSTRAINT weird CHECK (my_udf(v) > 0), CONSTRAINT fine CHECK (id > 0));""", "postgres")
    batch = pa.record_batch({"id": [1, 2], "v": ["a", "b"]})
    ds = tmp_store.save("w", GenerationResult(schema=schema, order=["t"], row_counts={"t": 2},
                                              _chunks=lambda: iter([("t", batch)])))
    rep = ds.validate()
    assert rep.ok
    assert [(n.table, n.constraint) for n in rep.not_verified] == [("t", "CHECK weird")]
    assert "CHECK fine" in rep.counts()["t"] and "not verified" in str(rep)
    frame = rep.to_frame()
    assert frame[frame["constraint"] == "CHECK weird"]["detail"].str.contains("not verified").all()


def test_on_a_connection_inside_a_transaction(tmp_store):
    """modify validates inside its transaction: the validator must not abort it, even with an FK
    between columns DuckDB cannot compare directly."""
    ds = tmp_store.save("shop", handmade.make_result("postgres", 10))
    schema = ds.schema
    with tmp_store.connect() as con:
        con.execute("BEGIN TRANSACTION")
        con.execute('UPDATE "shop"."orders" SET customer_id = 4242 WHERE id = 1')
        rep = validate(con, schema, db_schema="shop")
        assert rep.count("orders", "foreign key") == 1
        con.execute("ROLLBACK")
    assert ds.validate().ok

    schema2 = parse_ddl("CREATE TABLE p (id varchar(5) PRIMARY KEY);"
                        "CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p(id));", "postgres")
    con = duckdb.connect()
    con.execute("CREATE TABLE p (id VARCHAR); CREATE TABLE c (id INT, p_id INT);"
                "INSERT INTO p VALUES ('1'), ('2'); INSERT INTO c VALUES (1, 1), (2, 3), (3, NULL);")
    con.execute("BEGIN TRANSACTION")
    rep = validate(con, schema2)
    assert rep.count("c", "foreign key") == 1  # compared as text
    con.execute("INSERT INTO c VALUES (4, 2)")  # the transaction is still usable
    con.execute("COMMIT")


def test_a_million_rows_is_quick(tmp_store):
    schema = parse_ddl("""
        CREATE TABLE customer (id bigint PRIMARY KEY, email varchar(60) UNIQUE, age smallint CHECK (age BETWEEN 18 AND 99));
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customer(id),
                             amount numeric(10,2) NOT NULL CHECK (amount > 0), status varchar(10) NOT NULL);""",
                       "postgres")
    n = 1_000_000
    con = duckdb.connect()
    cust = con.sql(f"SELECT i AS id, 'u' || i || '@x.org' AS email, (18 + i % 80)::SMALLINT AS age "
                   f"FROM range({n // 4}) t(i)").to_arrow_table()
    orders = con.sql(f"SELECT i AS id, (i * 7919) % {n // 4} AS customer_id, (1 + i % 500)::DECIMAL(10,2) AS amount, "
                     f"'paid' AS status FROM range({n}) t(i)").to_arrow_table()

    def chunks():
        for b in cust.to_batches(200_000):
            yield "customer", b
        for b in orders.to_batches(200_000):
            yield "orders", b

    ds = tmp_store.save("big", GenerationResult(schema=schema, order=["customer", "orders"],
                                                row_counts={"customer": n // 4, "orders": n}, _chunks=chunks))
    t0 = time.perf_counter()
    rep = ds.validate()
    elapsed = time.perf_counter() - t0
    assert rep.ok and rep.row_counts == {"customer": n // 4, "orders": n}
    assert elapsed < 10, f"validation of 1.25 M rows took {elapsed:.1f}s"


def test_report_text():
    from synthtalk_jupyter.validate import Finding, NotVerified

    rep = ValidationReport(findings=[Finding("t", "foreign key", "FOREIGN KEY (a) -> p(id)", ("a",), 3, "orphan rows"),
                                     Finding("t", "not null", "NOT NULL a", ("a",), 0, "NULLs")],
                           not_verified=[NotVerified("t", "check", "CHECK c", "no DuckDB translation")],
                           row_counts={"t": 10})
    text = str(rep)
    assert text.splitlines()[0].startswith("FAILED: 3 violations in 1 tables (10 rows)")
    assert "t: FOREIGN KEY (a) -> p(id): 3 orphan rows" in text and "CHECK c not verified" in text
    assert not rep.ok and rep.count(kind="foreign key") == 3
    assert list(rep.to_frame().columns) == ["table", "kind", "constraint", "columns", "count", "detail"]
