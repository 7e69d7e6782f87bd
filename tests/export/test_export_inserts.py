"""The INSERT script in every dialect. PostgreSQL, MariaDB and SQLite loads are checked for real in
tests/oracle; here: DuckDB loads for real, and for SQL Server and Oracle (no server here) the script
is parsed back with sqlglot: every value round-trips, every row is there, and the dialect-specific
statements (IDENTITY_INSERT, NOCHECK, TO_DATE, one row per INSERT ...) are in place."""

from __future__ import annotations

import datetime as dt
import decimal
import re

import duckdb
import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from tests import handmade
from tests.conftest import CORPUS
from synthtalk_jupyter.export.inserts import Literals, family, insert_script
from synthtalk_jupyter.generation.engine import GenerationOptions, generate_tables
from synthtalk_jupyter.schema.model import Column, ColumnType, Kind
from synthtalk_jupyter.schema.parse import parse_ddl


def _script(src: str, dialect: str, n: int = 24, **kw) -> str:
    r = handmade.make_result(src, n)
    return insert_script(r.schema, r.chunks(), order=r.order, deferred=r.deferred, dialect=dialect, **kw)


def _parse(script: str, dialect: str) -> list[exp.Expression]:
    return [s for s in sqlglot.parse(script.replace(" OVERRIDING SYSTEM VALUE", ""), read=dialect) if s is not None]


@pytest.mark.parametrize("dialect", ["postgres", "mysql", "sqlite", "tsql", "oracle", "duckdb"])
def test_awkward_strings_round_trip(dialect):
    src = dialect if dialect in ("postgres", "mysql", "sqlite") else "postgres"
    stmts = _parse(_script(src, dialect), dialect)
    names = []
    for st in stmts:
        if isinstance(st, exp.Insert) and st.this.this.name == "customer":
            for tup in st.expression.expressions:
                v = tup.expressions[1]
                assert isinstance(v, (exp.Literal, exp.National)), v
                names.append(v.this)
    want = [x or "x" for x in handmade.shop_tables(src, 24)["customer"].column("name").to_pylist()]
    assert names == want
    kinds = {type(s).__name__ for s in stmts}
    assert kinds <= {"Transaction", "Insert", "Update", "Commit", "Set", "Select", "Pragma", "Semicolon", "Command"}


def test_duckdb_script_loads_in_duckdb():
    ddl = """
    CREATE TABLE dept (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL, tags VARCHAR[], data JSON, bin BLOB,
                       seen TIMESTAMPTZ, dur INTERVAL, u UUID);
    CREATE TABLE emp (id INTEGER PRIMARY KEY, dept_id INTEGER NOT NULL REFERENCES dept(id),
                      boss_id INTEGER REFERENCES emp(id), salary DECIMAL(10,2) CHECK (salary > 0), hired DATE, ok BOOLEAN);
    """
    schema = parse_ddl(ddl, "duckdb")
    result = generate_tables(schema, GenerationOptions(rows=60, seed=3))
    script = insert_script(schema, result.chunks(), order=result.order, deferred=result.deferred)
    con = duckdb.connect()
    con.execute(ddl)
    con.execute(script)
    want = {k: pa.Table.from_batches([b for kk, b in result.chunks() if kk == k]) for k in result.order}
    for key in ("dept", "emp"):
        got = con.sql(f"SELECT * FROM {key} ORDER BY id").to_arrow_table()
        assert got.num_rows == want[key].num_rows
        for col in want[key].column_names:
            a, b = got.column(col).to_pylist(), want[key].column(col).to_pylist()
            if col == "seen":
                a = [x.astimezone(dt.timezone.utc) if x else x for x in a]
            assert a == b, (key, col)


def test_tsql_statements():
    script = _script("postgres", "tsql")
    # identity columns: explicit values allowed table by table
    assert script.count("SET IDENTITY_INSERT [customer] ON;") == 1
    assert script.index("SET IDENTITY_INSERT [customer] ON;") < script.index("INSERT INTO [customer]") \
        < script.index("SET IDENTITY_INSERT [customer] OFF;")
    # the NOT NULL cycle: checks off for that table, re-enabled WITH CHECK (which re-validates)
    assert "ALTER TABLE [store] NOCHECK CONSTRAINT ALL;" in script
    assert script.rstrip().endswith("COMMIT TRANSACTION;")
    assert script.index("ALTER TABLE [store] WITH CHECK CHECK CONSTRAINT ALL;") > script.rindex("UPDATE ")
    assert "N'ünïcödé ı'" in script and "0x0100ff275c" in script
    assert re.search(r"INSERT INTO \[customer\] .*VALUES \(1, 'O''Brien', NULL, 0, ", script)
    assert "'2024-01-01T10:30:00.001'" in script  # fits DATETIME and DATETIME2


def test_tsql_batches_stay_under_1000_rows():
    r = handmade.make_result("postgres", 1500)
    script = insert_script(r.schema, r.chunks(), order=r.order, dialect="tsql", batch_rows=5000)
    for st in _parse(script, "tsql"):
        if isinstance(st, exp.Insert):
            assert len(st.expression.expressions) <= 1000


def test_oracle_statements():
    script = _script("postgres", "oracle")
    stmts = _parse(script, "oracle")
    inserts = [s for s in stmts if isinstance(s, exp.Insert)]
    assert all(len(s.expression.expressions) == 1 for s in inserts)  # no multi-row VALUES before 23ai
    assert sum(1 for s in inserts if s.this.this.name == "customer") == 24
    assert not script.lstrip("-").startswith("BEGIN") and "BEGIN" not in script.split("-- customer")[0].split("\n\n")[-1]
    assert "TO_DATE('1961-02-02', 'YYYY-MM-DD')" in script
    assert "TO_TIMESTAMP('2024-01-01 10:30:00.001001', 'YYYY-MM-DD HH24:MI:SS.FF6')" in script
    assert "HEXTORAW('0100ff275c')" in script
    assert "ALTER TABLE store DISABLE CONSTRAINT store_manager_fk;" in script
    assert script.rstrip().endswith("COMMIT;")


def test_mysql_checks_off_only_around_the_cycle():
    script = _script("mysql", "mysql")
    off = script.index("SET FOREIGN_KEY_CHECKS = 0;")
    on = script.index("SET FOREIGN_KEY_CHECKS = 1;")
    section = script[off:on]
    assert "INSERT INTO `store`" in section and "INSERT INTO `staff`" not in section
    assert script.count("FOREIGN_KEY_CHECKS = 0") == 1
    assert "-- These foreign keys cannot be filled in a second pass (store(manager_id)" in script
    assert "'back\\\\slash'" in script  # MySQL escapes backslashes
    assert "ST_GEOMFROMTEXT('POINT(1 1)')" in script.upper()


def test_postgres_identity_and_sequences():
    script = _script("postgres", "postgres")
    assert "INSERT INTO customer (id, name" in script and "OVERRIDING SYSTEM VALUE VALUES" in script
    assert 'INSERT INTO "Product" (sku, "Title", price) VALUES' in script
    assert "SET session_replication_role = replica;" in script
    assert re.search(r"SELECT SETVAL\(PG_GET_SERIAL_SEQUENCE\('orders', 'id'\), COALESCE\(\(SELECT MAX\(id\) FROM "
                     r"orders\), 0\) \+ 1, FALSE\);", script)
    assert "DECODE('0100ff275c', 'hex')" in script and "ARRAY['new', 'vip''s']" in script


def test_partitions_are_filled_through_their_parent():
    text = (CORPUS / "pagila.postgres.sql").read_text(encoding="utf-8")
    schema = parse_ddl(text)
    result = generate_tables(schema, GenerationOptions(rows=20, seed=1))
    script = insert_script(schema, result.chunks(), order=result.order, deferred=result.deferred)
    assert "INSERT INTO public.payment (" in script
    assert "INSERT INTO public.payment_p2022" not in script
    line = next(x for x in script.splitlines() if x.startswith("-- Partitions are filled through their parent"))
    assert all(f"payment_p2022_0{i}" in line for i in range(1, 8))
    assert re.search(r"SETVAL\('public\.customer_customer_id_seq'", script)


@pytest.mark.parametrize("file", ["adventureworks.sqlserver.sql", "adventureworksdw.sqlserver.sql",
                                  "chinook.sqlserver.sql", "hr.oracle.sql", "customer_orders.oracle.sql"])
def test_corpus_scripts_without_a_server_parse_back_complete(file):
    text = (CORPUS / file).read_text(encoding="utf-8")
    schema = parse_ddl(text)
    result = generate_tables(schema, GenerationOptions(rows=30, seed=5))
    script = insert_script(schema, result.chunks(), order=result.order, deferred=result.deferred)
    fam = family(schema.dialect)
    rows: dict[str, int] = {}
    for st in _parse(script, fam):
        if isinstance(st, exp.Insert):
            tbl = st.this.this
            key = f"{tbl.db}.{tbl.name}" if tbl.db else tbl.name
            rows[key] = rows.get(key, 0) + len(st.expression.expressions)
    want = {(f"{t.schema}.{t.name}" if t.schema else t.name): result.row_counts[t.key] for t in schema
            if result.row_counts[t.key]}
    assert rows == want
    if fam == "tsql":
        ident = {t.qualified_name for t in schema if any(c.identity and not c.is_generated for c in t.columns)}
        assert all(f"SET IDENTITY_INSERT {'[' + n.replace('.', '].[') + ']'} ON;" in script for n in ident)
        assert "COMPUTED" not in script  # computed columns omitted: none of their names is inserted
        for t in schema:
            for c in t.columns:
                if c.is_generated:
                    assert not re.search(rf"INSERT INTO \[{t.schema}\]\.\[{t.name}\] \([^)]*\[{c.name}\]", script)


def test_literals_per_family():
    ts = dt.datetime(2024, 5, 6, 7, 8, 9, 123456)
    tz = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    col = lambda kind, **kw: Column("c", ColumnType(kind, **kw))  # noqa: E731
    cases = {
        "postgres": [(True, col(Kind.BOOL), "TRUE"), (tz, col(Kind.TIMESTAMPTZ), "'2024-05-06 07:08:09+02:00'"),
                     (float("nan"), col(Kind.FLOAT), "CAST('NaN' AS DOUBLE PRECISION)"),
                     (pa.scalar((1, 2, 3_000_000_000), pa.month_day_nano_interval()).as_py(), col(Kind.INTERVAL),
                      "CAST('1 months 2 days 00:00:03' AS INTERVAL)"),
                     ([], col(Kind.ARRAY, element=ColumnType(Kind.INT)), "'{}'"),
                     ({"a": "b'c"}, col(Kind.JSON), "'{\"a\": \"b''c\"}'")],
        "mysql": [(False, col(Kind.BOOL), "FALSE"), (tz, col(Kind.TIMESTAMP), "'2024-05-06 05:08:09'"),
                  (b"\x00\xff", col(Kind.BYTES), "x'00ff'"), (["a", "b"], col(Kind.SET), "'a,b'"),
                  (decimal.Decimal("1E+3"), col(Kind.DECIMAL), "1000")],
        "sqlite": [(True, col(Kind.BOOL), "1"), (ts, col(Kind.TIMESTAMP), "'2024-05-06 07:08:09.123456'"),
                   (7, col(Kind.STRING), "'7'")],
        "tsql": [(True, col(Kind.BOOL), "1"), (ts, col(Kind.TIMESTAMP), "'2024-05-06T07:08:09.123'"),
                 (b"", col(Kind.BYTES), "CAST('' AS VARBINARY(MAX))"), ("ı", col(Kind.STRING), "N'ı'"),
                 (dt.time(1, 2, 3, 456789), col(Kind.TIME), "'01:02:03.456'")],
        "oracle": [(False, col(Kind.BOOL), "0"), (dt.date(2020, 2, 29), col(Kind.DATE), "TO_DATE('2020-02-29', 'YYYY-MM-DD')"),
                   (tz, col(Kind.TIMESTAMPTZ), "TO_TIMESTAMP_TZ('2024-05-06 07:08:09 +02:00', 'YYYY-MM-DD HH24:MI:SS TZH:TZM')")],
        "duckdb": [(b"\x01", col(Kind.BYTES), "FROM_HEX('01')"), ([1, None], col(Kind.ARRAY, element=ColumnType(Kind.INT)), "[1, NULL]")],
    }
    render = {"postgres": "postgres", "mysql": "mysql", "sqlite": "sqlite", "tsql": "tsql", "oracle": "oracle",
              "duckdb": "duckdb"}
    for fam, items in cases.items():
        lit = Literals(fam)
        for value, c, want in items:
            assert lit(value, c).sql(dialect=render[fam]) == want, (fam, value)
        assert lit(None, None).sql() == "NULL"
