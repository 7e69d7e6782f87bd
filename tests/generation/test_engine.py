"""End-to-end tests of the generation engine; validity is checked by DuckDB queries written here."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from synthtalk_jupyter.errors import InfeasibleError, SpecError
from synthtalk_jupyter.generation.checks import analyze_table_checks
from synthtalk_jupyter.generation.engine import generate_tables
from synthtalk_jupyter.generation.result import GenerationOptions
from synthtalk_jupyter.generation.spec import GenerationSpec
from synthtalk_jupyter.schema.model import Schema
from synthtalk_jupyter.schema.parse import parse_ddl


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load(result) -> dict[str, pa.Table]:
    parts: dict[str, list[pa.RecordBatch]] = {}
    for key, batch in result.chunks():
        parts.setdefault(key, []).append(batch)
    return {k: pa.Table.from_batches(v) for k, v in parts.items()}


def violations(schema: Schema, tables: dict[str, pa.Table], predicates: dict[str, dict[str, str]] | None = None,
               ignore_checks: bool = False) -> list[str]:
    """Every PK/UNIQUE duplicate, FK orphan, NOT NULL and CHECK violation, as messages."""
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    out: list[str] = []
    for key, tbl in tables.items():
        con.register(f"t_{key}", tbl)
    for key, t in schema.tables.items():
        if key not in tables:
            out.append(f"{key}: no batches")
            continue
        tv = q(f"t_{key}")
        cols = set(tables[key].column_names)
        for c in t.columns:
            if c.is_generated:
                if c.name in cols:
                    out.append(f"{key}.{c.name}: computed column present in batches")
                continue
            if c.name not in cols:
                out.append(f"{key}.{c.name}: missing column")
                continue
            if not c.nullable:
                n = con.execute(f"SELECT count(*) FROM {tv} WHERE {q(c.name)} IS NULL").fetchone()[0]
                if n:
                    out.append(f"{key}.{c.name}: {n} NULLs in a NOT NULL column")
        for u in t.unique_sets():
            if any(c not in cols for c in u):
                continue
            cl = ", ".join(q(c) for c in u)
            nn = " AND ".join(f"{q(c)} IS NOT NULL" for c in u)
            n = con.execute(f"SELECT count(*) FROM (SELECT {cl} FROM {tv} WHERE {nn} GROUP BY ALL "
                            f"HAVING count(*) > 1)").fetchone()[0]
            if n:
                out.append(f"{key}: {n} duplicate keys in ({', '.join(u)})")
        for fk in t.foreign_keys:
            if t.partition_of:
                continue
            parent = schema.tables[fk.ref_table]
            pkey = parent.partition_of or parent.key
            if tables[key].num_rows == 0:
                continue
            on = " AND ".join(f"c.{q(a)} = p.{q(b)}" for a, b in zip(fk.columns, fk.ref_columns))
            nn = " AND ".join(f"c.{q(a)} IS NOT NULL" for a in fk.columns)
            n = con.execute(f"SELECT count(*) FROM {tv} c WHERE {nn} AND NOT EXISTS "
                            f"(SELECT 1 FROM {q('t_' + pkey)} p WHERE {on})").fetchone()[0]
            if n:
                out.append(f"{key}: {n} orphans in FK ({', '.join(fk.columns)}) -> {pkey}")
        if ignore_checks or not predicates:
            continue
        for label, pred in (predicates.get(key) or {}).items():
            try:
                n = con.execute(f"SELECT count(*) FROM {tv} WHERE NOT COALESCE(({pred}), TRUE)").fetchone()[0]
            except duckdb.Error as e:
                out.append(f"{key}: CHECK {label} not evaluable: {str(e).splitlines()[0]}")
                continue
            if n:
                out.append(f"{key}: {n} rows violate CHECK {label}: {pred}")
    return out


# --------------------------------------------------------------------------- helpers

def gen(ddl, rows=200, dialect="postgres", **kw):
    schema = parse_ddl(ddl, dialect=dialect) if isinstance(ddl, str) else ddl
    res = generate_tables(schema, GenerationOptions(rows=rows, seed=kw.pop("seed", 7), **kw))
    return schema, res, load(res)


def preds(schema):
    return {k: analyze_table_checks(t, schema.dialect).predicates for k, t in schema.tables.items()}


def assert_valid(schema, tables):
    v = violations(schema, tables, preds(schema))
    assert v == [], v


def col(tables, t, c):
    return tables[t].column(c).to_pylist()


# --------------------------------------------------------------------------- keys and FKs

def test_pk_fk_basic_and_types():
    ddl = """
    CREATE TABLE customer (id SERIAL PRIMARY KEY, email VARCHAR(60) UNIQUE NOT NULL, name TEXT NOT NULL,
                           born DATE, vip BOOLEAN NOT NULL DEFAULT false);
    CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customer(id),
                         coupon_customer INT REFERENCES customer(id), total NUMERIC(8,2) NOT NULL,
                         placed_at TIMESTAMPTZ NOT NULL);
    """
    schema, res, tables = gen(ddl, rows={"customer": 300, "orders": 2000})
    assert res.row_counts == {"customer": 300, "orders": 2000}
    assert res.order == ["customer", "orders"] and res.deferred == []
    assert_valid(schema, tables)
    assert col(tables, "customer", "id") == list(range(1, 301))
    assert tables["orders"].schema.field("total").type == pa.decimal128(8, 2)
    assert tables["orders"].schema.field("placed_at").type == pa.timestamp("us", tz="UTC")
    assert tables["orders"].schema.field("id").type == pa.int64()
    cust = np.array(col(tables, "orders", "customer_id"))
    counts = np.bincount(cust, minlength=301)[1:]
    assert counts.max() > 4 * max(counts.mean(), 1)  # skewed: some customers order much more
    nulls = sum(x is None for x in col(tables, "orders", "coupon_customer"))
    assert 40 < nulls < 400  # nullable FK: some NULLs (~7%)


def test_composite_pk_sequence_and_composite_fk():
    ddl = """
    CREATE TABLE orders (id INT PRIMARY KEY);
    CREATE TABLE line (order_id INT NOT NULL REFERENCES orders(id), line_no SMALLINT NOT NULL, qty INT,
                       PRIMARY KEY (order_id, line_no));
    CREATE TABLE line_note (id INT PRIMARY KEY, order_id INT NOT NULL, line_no SMALLINT NOT NULL, note TEXT,
                            FOREIGN KEY (order_id, line_no) REFERENCES line(order_id, line_no));
    """
    schema, res, tables = gen(ddl, rows={"orders": 100, "line": 450, "line_note": 300})
    assert_valid(schema, tables)
    o, ln = np.array(col(tables, "line", "order_id")), np.array(col(tables, "line", "line_no"))
    for oid in np.unique(o)[:30]:
        assert sorted(ln[o == oid]) == list(range(1, (o == oid).sum() + 1))


def test_junction_capped_with_notice_and_unique_composite():
    ddl = """
    CREATE TABLE a (id INT PRIMARY KEY);
    CREATE TABLE b (id INT PRIMARY KEY);
    CREATE TABLE ab (a_id INT REFERENCES a(id), b_id INT REFERENCES b(id), PRIMARY KEY (a_id, b_id));
    CREATE TABLE pair (id INT PRIMARY KEY, a_id INT NOT NULL REFERENCES a(id), b_id INT NOT NULL REFERENCES b(id),
                       UNIQUE (a_id, b_id));
    """
    schema, res, tables = gen(ddl, rows={"a": 10, "b": 5, "*": 80})
    assert res.row_counts["ab"] == 50 and res.row_counts["pair"] == 50
    assert any("ab" in n and "capped to 50" in n for n in res.notices)
    assert_valid(schema, tables)


def test_self_reference_builds_a_tree():
    ddl = """CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(30), manager_id INT REFERENCES emp(id));"""
    schema, res, tables = gen(ddl, rows=1000)
    assert_valid(schema, tables)
    ids, mgr = col(tables, "emp", "id"), col(tables, "emp", "manager_id")
    parent = dict(zip(ids, mgr))
    roots = [i for i, m in parent.items() if m is None]
    assert 1 <= len(roots) <= 30
    for i in ids[::37]:  # walk up: reaches a root without revisiting
        seen = set()
        while parent[i] is not None:
            assert i not in seen
            seen.add(i)
            i = parent[i]


def test_self_reference_not_null_roots_point_to_themselves():
    ddl = """CREATE TABLE node (id INT PRIMARY KEY, parent_id INT NOT NULL REFERENCES node(id));"""
    schema, res, tables = gen(ddl, rows=300)
    assert_valid(schema, tables)
    ids, par = col(tables, "node", "id"), col(tables, "node", "parent_id")
    assert any(i == p for i, p in zip(ids, par))


def test_nullable_cycle_and_not_null_cycle_are_deferred():
    ddl = """
    CREATE TABLE dept (id INT PRIMARY KEY, head_id INT);
    CREATE TABLE emp (id INT PRIMARY KEY, dept_id INT NOT NULL REFERENCES dept(id));
    ALTER TABLE dept ADD FOREIGN KEY (head_id) REFERENCES emp(id);
    CREATE TABLE store (id INT PRIMARY KEY, manager_id INT NOT NULL);
    CREATE TABLE staff (id INT PRIMARY KEY, store_id INT NOT NULL REFERENCES store(id));
    ALTER TABLE store ADD FOREIGN KEY (manager_id) REFERENCES staff(id);
    """
    schema, res, tables = gen(ddl, rows=100)
    assert_valid(schema, tables)
    pos = {k: i for i, k in enumerate(res.order)}
    deferred = {(k, fk.columns) for k, fk in res.deferred}
    assert ("dept", ("head_id",)) in deferred
    assert len([d for d in deferred if d[0] in ("store", "staff")]) == 1
    for k, fk in res.deferred:
        assert pos[fk.ref_table] > pos[k]
    # back-references carry their final values (not all NULL)
    assert sum(x is not None for x in col(tables, "dept", "head_id")) > 50
    assert None not in col(tables, "store", "manager_id")


def test_one_to_one_fk_samples_without_replacement():
    ddl = """
    CREATE TABLE person (id INT PRIMARY KEY);
    CREATE TABLE passport (person_id INT PRIMARY KEY REFERENCES person(id), no CHAR(9) UNIQUE NOT NULL);
    CREATE TABLE badge (id INT PRIMARY KEY, person_id INT NOT NULL UNIQUE REFERENCES person(id));
    """
    schema, res, tables = gen(ddl, rows={"person": 50, "*": 80})
    assert res.row_counts["passport"] == 50 and res.row_counts["badge"] == 50
    assert_valid(schema, tables)
    assert sorted(col(tables, "passport", "person_id")) == list(range(1, 51))


def test_unique_strings_dates_and_referenced_unique():
    ddl = """
    CREATE TABLE country (code CHAR(2) PRIMARY KEY, name VARCHAR(40) UNIQUE NOT NULL);
    CREATE TABLE product (sku VARCHAR(12) PRIMARY KEY, title VARCHAR(20) UNIQUE NOT NULL,
                          launched DATE UNIQUE NOT NULL, ref UUID UNIQUE NOT NULL);
    CREATE TABLE sale (id INT PRIMARY KEY, sku VARCHAR(12) NOT NULL REFERENCES product(sku),
                       title VARCHAR(20) REFERENCES product(title), country CHAR(2) REFERENCES country(code));
    """
    schema, res, tables = gen(ddl, rows={"country": 500, "product": 3000, "sale": 2000})
    assert_valid(schema, tables)
    assert res.row_counts["country"] == 500
    assert all(len(x) <= 2 for x in col(tables, "country", "code"))
    assert all(len(x) <= 20 for x in col(tables, "product", "title"))


# --------------------------------------------------------------------------- checks

def test_checks_by_rules_orderings_and_residual():
    ddl = """
    CREATE TABLE ev (
      id INT PRIMARY KEY,
      kind VARCHAR(10) NOT NULL CHECK (kind IN ('talk', 'workshop', 'panel')),
      seats SMALLINT CHECK (seats BETWEEN 10 AND 500),
      price NUMERIC(6,2) CHECK (price > 0 AND price < 1000),
      starts_at TIMESTAMP NOT NULL,
      ends_at TIMESTAMP NOT NULL,
      code CHAR(17) CHECK (length(code) = 17),
      a INT NOT NULL, b INT NOT NULL,
      CHECK (ends_at > starts_at),
      CONSTRAINT odd_sum CHECK ((a + b) % 2 = 1),
      CHECK (seats IS NULL OR seats % 5 = 0)
    );
    """
    schema, res, tables = gen(ddl, rows=3000, chunk_rows=1000)
    assert_valid(schema, tables)
    assert set(col(tables, "ev", "kind")) == {"talk", "workshop", "panel"}
    assert all(len(c) == 17 for c in col(tables, "ev", "code") if c is not None)


def test_impossible_residual_check_names_the_constraint():
    ddl = """CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL, CONSTRAINT never CHECK (a <> a));"""
    schema = parse_ddl(ddl, dialect="postgres")
    res = generate_tables(schema, GenerationOptions(rows=10, seed=1))
    with pytest.raises(InfeasibleError) as e:
        list(res.chunks())
    assert e.value.constraint == "never" and e.value.table == "t"


def test_residual_check_nulls_a_nullable_column_as_last_resort():
    ddl = """CREATE TABLE t (id INT PRIMARY KEY, a INT, CONSTRAINT never CHECK (a <> a));"""
    schema, res, tables = gen(ddl, rows=50)
    assert col(tables, "t", "a") == [None] * 50
    assert_valid(schema, tables)


# --------------------------------------------------------------------------- feasibility

def test_small_type_pk_capped_by_default_error_when_explicit():
    ddl = """CREATE TABLE cat (id TINYINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, name VARCHAR(25) NOT NULL);"""
    schema = parse_ddl(ddl, dialect="mysql")
    res = generate_tables(schema, GenerationOptions(rows=1000, seed=1))
    assert res.row_counts["cat"] == 255  # 1..255: no 0 in a MySQL AUTO_INCREMENT-like key
    assert any("capped" in n and "cat" in n for n in res.notices)
    assert_valid(schema, load(res))
    with pytest.raises(InfeasibleError) as e:
        generate_tables(schema, GenerationOptions(rows={"CAT": 1000}, seed=1))
    assert e.value.table == "cat" and e.value.column == "id"


def test_unique_boolean_is_an_error():
    schema = parse_ddl("CREATE TABLE t (id INT PRIMARY KEY, flag BOOLEAN UNIQUE NOT NULL);", dialect="postgres")
    with pytest.raises(InfeasibleError) as e:
        generate_tables(schema, GenerationOptions(rows=1000))
    assert e.value.column == "flag" and "2" in str(e.value)
    assert generate_tables(schema, GenerationOptions(rows=2)).row_counts["t"] == 2


def test_not_null_fk_to_empty_table_is_an_error():
    ddl = """CREATE TABLE p (id INT PRIMARY KEY); CREATE TABLE c (id INT PRIMARY KEY, p_id INT NOT NULL REFERENCES p(id));
    CREATE TABLE d (id INT PRIMARY KEY, p_id INT REFERENCES p(id));"""
    schema = parse_ddl(ddl, dialect="postgres")
    with pytest.raises(InfeasibleError) as e:
        generate_tables(schema, GenerationOptions(rows={"p": 0, "*": 10}))
    assert e.value.table == "c" and e.value.column == "p_id"
    schema, res, tables = gen(ddl, rows={"p": 0, "c": 0, "d": 10})
    assert col(tables, "d", "p_id") == [None] * 10


def test_unknown_table_in_rows_is_an_error():
    schema = parse_ddl("CREATE TABLE t (id INT PRIMARY KEY);", dialect="postgres")
    with pytest.raises(SpecError):
        generate_tables(schema, GenerationOptions(rows={"nope": 3}))


# --------------------------------------------------------------------------- partitions, computed columns

def test_partitions_get_no_rows_and_parent_spreads():
    ddl = """
    CREATE TABLE payment (id INT NOT NULL, paid_on DATE NOT NULL, amount NUMERIC(5,2),
                          PRIMARY KEY (paid_on, id)) PARTITION BY RANGE (paid_on);
    CREATE TABLE payment_a PARTITION OF payment FOR VALUES FROM ('2022-01-01') TO ('2022-02-01');
    CREATE TABLE payment_b PARTITION OF payment FOR VALUES FROM ('2022-06-01') TO ('2022-07-01');
    """
    schema, res, tables = gen(ddl, rows=400)
    assert res.row_counts["payment_a"] == 0 and res.row_counts["payment_b"] == 0
    assert res.row_counts["payment"] == 400
    assert any("partition" in n for n in res.notices)
    assert_valid(schema, tables)
    months = {d.month for d in col(tables, "payment", "paid_on")}
    assert months == {1, 6}


def test_computed_columns_are_omitted():
    ddl = """CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT GENERATED ALWAYS AS (a * 2) STORED);"""
    schema, res, tables = gen(ddl, rows=20)
    assert tables["t"].column_names == ["id", "a"]


# --------------------------------------------------------------------------- reproducibility, temperature, spec

SHOP = """
CREATE TABLE customer (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, city VARCHAR(30), score INT,
                       tier VARCHAR(6), code VARCHAR(12), joined DATE, ref VARCHAR(20), note TEXT);
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customer(id),
                     qty INT NOT NULL CHECK (qty > 0), price NUMERIC(8,2) NOT NULL, total NUMERIC(12,2));
"""


def test_same_seed_same_data_and_reiterable():
    schema = parse_ddl(SHOP, dialect="postgres")
    r1 = generate_tables(schema, GenerationOptions(rows=500, seed=42, chunk_rows=1000))
    r2 = generate_tables(schema, GenerationOptions(rows=500, seed=42, chunk_rows=1000))
    a, b, c = load(r1), load(r2), load(r1)
    for k in a:
        assert a[k].equals(b[k]) and a[k].equals(c[k])
    r3 = generate_tables(schema, GenerationOptions(rows=500, seed=43))
    assert not load(r3)["customer"].equals(a["customer"])


def test_chunks_are_streamed_in_load_order_and_bounded():
    schema = parse_ddl(SHOP, dialect="postgres")
    res = generate_tables(schema, GenerationOptions(rows={"customer": 50, "orders": 5500}, seed=1, chunk_rows=1000))
    seen = [(k, b.num_rows) for k, b in res.chunks()]
    assert [k for k, _ in seen] == ["customer"] + ["orders"] * 6
    assert max(n for _, n in seen) <= 1000
    assert_valid(schema, load(res))


def test_temperature_widens_diversity():
    schema = parse_ddl(SHOP, dialect="postgres")
    cold = load(generate_tables(schema, GenerationOptions(rows=3000, seed=5, temperature=0.0)))
    hot = load(generate_tables(schema, GenerationOptions(rows=3000, seed=5, temperature=2.0)))
    for t in (cold, hot):
        assert_valid(schema, t)
    cold_fk = np.bincount(np.array(cold["orders"].column("customer_id").to_pylist()))
    hot_fk = np.bincount(np.array(hot["orders"].column("customer_id").to_pylist()))
    assert (cold_fk > 0).sum() < (hot_fk > 0).sum()  # cold: fewer distinct customers order
    distinct = lambda t, c: len(set(t["customer"].column(c).to_pylist()))  # noqa: E731
    assert distinct(cold, "note") < distinct(hot, "note")


def test_spec_overrides():
    schema = parse_ddl(SHOP, dialect="postgres")
    spec = GenerationSpec.from_dict({"tables": {
        "customer": {"rows": 400, "columns": {
            "tier": {"values": ["gold", "silver", "bronze"], "weights": [0.1, 0.3, 0.6]},
            "score": {"min": 10, "max": 20, "distribution": "normal"},
            "code": {"pattern": r"[A-Z]{3}-\d{4}", "unique": True},
            "ref": {"format": "C-{i:05}-??"},
            "joined": {"min": "2020-01-01", "max": "2020-12-31"},
            "city": {"null_ratio": 0.5},
            "note": {"null_ratio": 0.0},
        }},
        "orders": {"rows": 1000, "columns": {"total": {"sql": "qty * price"}}},
    }})
    schema, res, tables = gen(schema, rows=10, spec=spec)
    assert res.row_counts == {"customer": 400, "orders": 1000}
    assert_valid(schema, tables)
    tiers = col(tables, "customer", "tier")
    assert {t for t in tiers if t} == {"gold", "silver", "bronze"}
    assert tiers.count("bronze") > tiers.count("gold") * 2
    assert all(10 <= s <= 20 for s in col(tables, "customer", "score") if s is not None)
    codes = col(tables, "customer", "code")
    assert len(set(codes)) == 400
    refs = col(tables, "customer", "ref")
    assert refs[0] is None or re.fullmatch(r"C-\d{5}-[A-Z]{2}", refs[0])
    assert all(re.fullmatch(r"C-\d{5}-[A-Z]{2}", r) for r in refs if r)
    assert all(d.year == 2020 for d in col(tables, "customer", "joined") if d)
    assert 120 < sum(c is None for c in col(tables, "customer", "city")) < 280
    assert None not in col(tables, "customer", "note")
    o = tables["orders"].to_pylist()
    assert all(r["total"] is None or r["total"] == r["qty"] * r["price"] for r in o)
    assert any(r["total"] is not None for r in o)


def test_spec_contradicting_check_values():
    ddl = """CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(5) CHECK (s IN ('a', 'b')), n INT CHECK (n BETWEEN 1 AND 5));"""
    schema = parse_ddl(ddl, dialect="postgres")
    bad = {"tables": {"t": {"columns": {"s": {"values": ["x", "y"]}}}}}
    with pytest.raises(SpecError) as e:
        list(generate_tables(schema, GenerationOptions(rows=5, spec=bad)).chunks())
    assert e.value.column == "s"
    clipped = {"tables": {"t": {"columns": {"s": {"values": ["a", "x"]}, "n": {"min": 0, "max": 100}}}}}
    schema, res, tables = gen(schema, rows=200, spec=clipped)
    assert_valid(schema, tables)
    assert {x for x in col(tables, "t", "s") if x} == {"a"}
    assert any("clipped" in n for n in res.notices)


def test_progress_bar_does_not_break(capsys):
    schema = parse_ddl(SHOP, dialect="postgres")
    res = generate_tables(schema, GenerationOptions(rows=100, seed=1, progress=True))
    assert sum(b.num_rows for _, b in res.chunks()) == 200


# --------------------------------------------------------------------------- the corpus

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "ddl-corpus"
FILES = sorted(CORPUS.glob("*.sql")) if CORPUS.exists() else []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file_generates_valid_data(path):
    schema = parse_ddl(path.read_text(encoding="utf-8"))
    res = generate_tables(schema, GenerationOptions(rows=200, seed=11))
    tables = load(res)
    assert set(tables) == set(schema.tables)
    for k, t in schema.tables.items():
        expected = 0 if t.partition_of else res.row_counts[k]
        assert tables[k].num_rows == expected
        assert res.row_counts[k] > 0 or t.partition_of, k
    assert_valid(schema, tables)


def test_unique_strings_keep_realistic_shape():
    ddl = """CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(40) UNIQUE NOT NULL, username VARCHAR(16) UNIQUE);"""
    schema, res, tables = gen(ddl, rows=3000)
    assert_valid(schema, tables)
    emails = col(tables, "u", "email")
    assert all(e.count("@") == 1 and len(e) <= 40 for e in emails)
    assert len({e.lower() for e in emails}) == 3000


def test_worker_threads_do_not_change_the_output():
    schema = parse_ddl(SHOP, dialect="postgres")
    one = load(generate_tables(schema, GenerationOptions(rows=2500, seed=9, chunk_rows=1000, workers=1)))
    many = load(generate_tables(schema, GenerationOptions(rows=2500, seed=9, chunk_rows=1000, workers=3)))
    for k in one:
        assert one[k].equals(many[k])


def test_native_type_limits_of_the_dialect():
    ddl = """CREATE TABLE film (id INT PRIMARY KEY, release_year YEAR, seen TIMESTAMP NOT NULL,
             born DATETIME, code_no YEAR NOT NULL);"""
    schema, res, tables = gen(ddl, rows=2000, dialect="mysql")
    years = [y for y in col(tables, "film", "release_year") + col(tables, "film", "code_no") if y is not None]
    assert min(years) >= 1901 and max(years) <= 2155
    seen = col(tables, "film", "seen")
    assert min(seen).year >= 1970 and max(seen).year <= 2038
