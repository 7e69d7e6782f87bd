"""Modification of a stored dataset: the statement checker, the transaction with validation,
versions, undo and history (SQL mode and LLM mode against the fake OpenAI server)."""

from __future__ import annotations

import pytest

from synthtalk_jupyter.errors import SQLRefused
from synthtalk_jupyter.modify import check_sql, dependent_tables
from synthtalk_jupyter.schema.parse import parse_ddl

DDL = """
CREATE TABLE customer (
  id INT PRIMARY KEY,
  email VARCHAR(80) NOT NULL UNIQUE,
  city VARCHAR(40),
  tier VARCHAR(10) NOT NULL CONSTRAINT customer_tier_check CHECK (tier IN ('basic', 'silver', 'gold'))
);
CREATE TABLE orders (
  id INT PRIMARY KEY,
  customer_id INT NOT NULL REFERENCES customer(id),
  placed_at DATE NOT NULL,
  status VARCHAR(12) NOT NULL CONSTRAINT orders_status_check CHECK (status IN ('new', 'shipped', 'cancelled')),
  total NUMERIC(10,2) NOT NULL CONSTRAINT orders_total_check CHECK (total >= 0)
);
CREATE TABLE order_item (
  order_id INT NOT NULL REFERENCES orders(id),
  line_no INT NOT NULL,
  sku VARCHAR(20) NOT NULL,
  qty INT NOT NULL CHECK (qty > 0),
  PRIMARY KEY (order_id, line_no)
);
"""


@pytest.fixture(scope="module")
def schema():
    return parse_ddl(DDL, "postgres")


# --------------------------------------------------------------------------- checker (pure)
ALLOWED = [
    "UPDATE orders SET status = 'cancelled' WHERE placed_at >= DATE '2024-12-01' AND random() < 0.3",
    "DELETE FROM order_item WHERE order_id IN (SELECT id FROM orders WHERE status = 'new');"
    " DELETE FROM orders WHERE status = 'new'",
    "INSERT INTO orders (id, customer_id, placed_at, status, total) "
    "SELECT 100000 + i, (SELECT min(id) FROM customer), DATE '2024-12-24', 'new', 10 FROM range(5) t(i)",
    "UPDATE shop.orders SET total = round(total * 1.1, 2)",
    "WITH d AS (SELECT id FROM orders WHERE status = 'new') UPDATE orders SET status = 'shipped' "
    "WHERE id IN (SELECT id FROM d)",
    "UPDATE orders o SET status = 'shipped' FROM customer c WHERE c.id = o.customer_id AND c.city = 'Berlin'",
    "UPDATE orders SET status = 'new' WHERE orders.id = 3 RETURNING *",
]

REFUSED = {
    "DROP TABLE orders": "DDL",
    "CREATE TABLE x AS SELECT 1": "DDL",
    "ALTER TABLE orders ADD COLUMN x INT": "DDL",
    "COPY orders TO '/tmp/x.csv'": "COPY",
    "ATTACH '/tmp/x.db' AS x": "ATTACH",
    "LOAD httpfs": "LOAD",
    "INSTALL httpfs": "INSTALL",
    "PRAGMA database_list": "PRAGMA",
    "SET search_path = 'other'": "SET",
    "CALL pragma_version()": "CALL",
    "SELECT * FROM orders": "SELECT",
    "EXPORT DATABASE '/tmp/x'": "parsed",
    "UPDATE orders SET status = 'x'; DROP TABLE customer": "DDL",
    "UPDATE orders SET status = (SELECT content FROM read_text('/etc/passwd'))": "read_text",
    "INSERT INTO orders SELECT * FROM read_csv('/etc/passwd')": "read_csv",
    "INSERT INTO orders SELECT * FROM 'orders.csv'": "not a table",
    "UPDATE orders SET status = 'x' FROM read_parquet('a.parquet') p": "read_parquet",
    "UPDATE orders SET status = getenv('HOME')": "getenv",
    "UPDATE orders SET status = current_setting('threads')": "current_setting",
    "UPDATE orders SET status = json_execute_serialized_sql('x')": "json_execute_serialized_sql",
    "INSERT INTO orders SELECT * FROM query_table('other.orders')": "query_table",
    "INSERT INTO orders SELECT * FROM query('SELECT * FROM other.orders')": "query",
    "UPDATE orders SET status = (SELECT count(*) FROM duckdb_tables())::VARCHAR": "duckdb_tables",
    "UPDATE orders SET status = (SELECT max(table_name) FROM information_schema.tables)": "outside",
    "UPDATE orders SET id = nextval('seq')": "nextval",
    "UPDATE other.orders SET status = 'cancelled'": "outside",
    "UPDATE orders SET status = (SELECT max(status) FROM other.orders)": "outside",
    "INSERT INTO orders SELECT * FROM mem.main.orders": "another database",
    "UPDATE orders SET status = (SELECT max(v) FROM _synthtalk_versions.versions)": "outside",
    "UPDATE customer SET tier = 'gold'": "depend on it",
    "WITH orders AS (SELECT 1) UPDATE customer SET tier = 'gold'": "CTE",
    "INSERT INTO orders SELECT * FROM df": "not a table",
    "": "No SQL",
    "'UPDATE orders SET total = 1'": "remove the quotes",
}


@pytest.mark.parametrize("sql", ALLOWED)
def test_checker_allows_data_changes(schema, sql):
    checked = check_sql(sql, schema, "orders", dataset="shop")
    assert checked.executable and len(checked.executable) == len(checked.display)
    for text in checked.executable:
        # every table is qualified with the dataset's schema; RETURNING is dropped
        assert '"shop"."orders"' in text or '"shop"."order_item"' in text
        assert "RETURNING" not in text.upper()


@pytest.mark.parametrize("sql,reason", list(REFUSED.items()))
def test_checker_refuses(schema, sql, reason):
    with pytest.raises(SQLRefused) as info:
        check_sql(sql, schema, "orders", dataset="shop")
    assert reason.lower() in str(info.value).lower()


def test_checker_targets_and_dependents(schema):
    assert dependent_tables(schema, "customer") == ["customer", "orders", "order_item"]
    assert dependent_tables(schema, "order_item") == ["order_item"]
    checked = check_sql(ALLOWED[1], schema, "orders", dataset="shop")
    assert checked.targets == ["order_item", "orders"]
    assert checked.tables == ["order_item", "orders"]
    # the dataset schema and stored names come from the store
    checked = check_sql("UPDATE orders SET total = 1 WHERE orders.id = 1", schema, "orders", dataset="shop",
                        db_schema="ds_shop", physical={"orders": "orders"})
    assert checked.executable[0].startswith('UPDATE "ds_shop"."orders"')


def test_checker_unknown_table(schema):
    with pytest.raises(SQLRefused, match="no table"):
        check_sql("UPDATE nope SET x = 1", schema, "nope", dataset="shop")


# --------------------------------------------------------------------------- store fixtures
import datetime as dt  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from synthtalk_jupyter import modify as mod  # noqa: E402
from synthtalk_jupyter.dataset import Dataset  # noqa: E402
from synthtalk_jupyter.generation.result import GenerationResult  # noqa: E402
from synthtalk_jupyter.modify import ModificationError, ModificationRejected  # noqa: E402
from synthtalk_jupyter.store import Store  # noqa: E402

CITIES = ["Berlin", "Munich", "Hamburg", "Köln"]


def _rows() -> dict[str, pa.RecordBatch]:
    """Known, valid contents (so each broken constraint has an exact expected count)."""
    n_c, n_o = 20, 60
    customer = pa.record_batch({
        "id": pa.array(range(1, n_c + 1), pa.int32()),
        "email": [f"user{i}@example.de" for i in range(1, n_c + 1)],
        "city": [CITIES[i % 4] for i in range(n_c)],
        "tier": ["basic"] * n_c,
    })
    base = dt.date(2024, 10, 1)
    orders = pa.record_batch({
        "id": pa.array(range(1, n_o + 1), pa.int32()),
        "customer_id": pa.array([(i % n_c) + 1 for i in range(n_o)], pa.int32()),
        "placed_at": [base + dt.timedelta(days=int(i * 1.5)) for i in range(n_o)],
        "status": ["shipped" if i % 3 else "new" for i in range(n_o)],
        "total": pa.array([f"{(i + 1) * 1.25:.2f}" for i in range(n_o)]).cast(pa.decimal128(10, 2)),
    })
    items = pa.record_batch({
        "order_id": pa.array([(i // 2) + 1 for i in range(2 * n_o)], pa.int32()),
        "line_no": pa.array([(i % 2) + 1 for i in range(2 * n_o)], pa.int32()),
        "sku": [f"SKU-{i:05d}" for i in range(2 * n_o)],
        "qty": pa.array([(i % 3) + 1 for i in range(2 * n_o)], pa.int32()),
    })
    return {"customer": customer, "orders": orders, "order_item": items}


def save_dataset(store: Store, name: str = "shop") -> Dataset:
    schema = parse_ddl(DDL, "postgres")
    rows = _rows()
    result = GenerationResult(schema=schema, order=list(rows), row_counts={k: b.num_rows for k, b in rows.items()},
                              _chunks=lambda: iter(rows.items()))
    return store.save(name, result, {"source": DDL, "dialect": "postgres"})


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "store.duckdb")


@pytest.fixture
def ds(store) -> Dataset:
    return save_dataset(store)


def snapshot(ds) -> dict[str, pd.DataFrame]:
    return {t: ds.df(t) for t in ds.tables}


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]):
    assert a.keys() == b.keys()
    for t in a:
        pd.testing.assert_frame_equal(a[t], b[t], check_exact=True)


# --------------------------------------------------------------------------- SQL mode
def test_sql_change_applied_validated_versioned(ds):
    before = ds.df("orders")
    dec = int((pd.to_datetime(before.placed_at) >= "2024-12-01").sum())
    change = mod.modify(ds, "orders", sql="UPDATE orders SET status = 'cancelled' WHERE placed_at >= DATE '2024-12-01'")
    assert change.rows_changed == {"orders": dec} and dec > 0
    assert change.version == 2 and change.source == "sql"
    assert ds.validate().ok
    after = ds.df("orders")
    assert (after.loc[pd.to_datetime(after.placed_at) >= "2024-12-01", "status"] == "cancelled").all()
    assert (after.status == "cancelled").sum() == dec
    hist = mod.history(ds)
    assert [v.action for v in hist] == ["generate", "modify"]
    assert hist[-1].rows_changed == {"orders": dec} and "cancelled" in hist[-1].sql
    assert ds.refresh().version == 2


@pytest.mark.parametrize("sql,kind,constraint,table,count", [
    ("UPDATE orders SET total = -1 WHERE id <= 4", "check", "orders_total_check", "orders", 4),
    ("UPDATE customer SET tier = 'platinum' WHERE city = 'Berlin'", "check", "customer_tier_check", "customer", 5),
    ("UPDATE customer SET email = 'same@example.de' WHERE id IN (1, 2, 3)", "unique", "email", "customer", None),
    ("DELETE FROM customer WHERE id = 1", "foreign key", "customer", "orders", 3),
    ("UPDATE customer SET tier = NULL WHERE id = 7", "not null", "tier", "customer", 1),
    ("UPDATE orders SET customer_id = 999 WHERE id = 5", "foreign key", "customer", "orders", 1),
    ("DELETE FROM orders WHERE id = 10", "foreign key", "orders", "order_item", 2),
    ("INSERT INTO order_item SELECT 1, 1, 'SKU-X', 1", "primary key", "", "order_item", None),
    ("UPDATE customer SET city = repeat('x', 41) WHERE id = 2", "", "city", "customer", 1),
])
def test_sql_change_breaking_a_constraint_rolls_back(ds, sql, kind, constraint, table, count):
    target = "customer" if "customer SET" in sql or "FROM customer" in sql else \
        ("order_item" if "order_item" in sql else "orders")
    before = snapshot(ds)
    with pytest.raises(ModificationRejected) as info:
        mod.modify(ds, target, sql=sql)
    err = info.value
    assert err.violations, err
    text = str(err).lower()
    assert "rolled back" in text
    hit = [v for v in err.violations if v.table == table and kind in v.kind.lower()
           and constraint.lower() in (v.constraint + " " + v.detail).lower()]
    assert hit, err.violations
    if count is not None:
        assert hit[0].count == count
    assert err.table == table or any(v.table == table for v in err.violations)
    assert_same(before, snapshot(ds))
    assert [v.action for v in mod.history(ds)] == ["generate"]
    assert ds.validate().ok


def test_sql_execution_error_changes_nothing(ds):
    before = snapshot(ds)
    with pytest.raises(ModificationError, match="nope"):
        mod.modify(ds, "orders", sql="UPDATE orders SET status = 'cancelled'; UPDATE orders SET nope = 1")
    assert_same(before, snapshot(ds))
    assert [v.action for v in mod.history(ds)] == ["generate"]


def test_refused_sql_changes_nothing(ds, tmp_path):
    before = snapshot(ds)
    target = tmp_path / "leak.csv"
    for sql in [f"COPY orders TO '{target}'", "DROP TABLE orders",
                "UPDATE orders SET status = (SELECT content FROM read_text('/etc/passwd'))",
                "UPDATE customer SET tier = 'gold'"]:
        with pytest.raises(SQLRefused):
            mod.modify(ds, "orders", sql=sql)
    assert not target.exists()
    assert_same(before, snapshot(ds))


def test_undo_restores_exact_contents(ds):
    v1 = snapshot(ds)
    mod.modify(ds, "orders", sql="DELETE FROM order_item WHERE order_id IN (SELECT id FROM orders WHERE status = 'new');"
                                 " DELETE FROM orders WHERE status = 'new'")
    v2 = snapshot(ds)
    assert len(v2["orders"]) < len(v1["orders"]) and len(v2["order_item"]) < len(v1["order_item"])
    change = mod.modify(ds, "orders", sql="INSERT INTO orders (id, customer_id, placed_at, status, total) "
                                          "SELECT 1000 + i, 1 + i % 20, DATE '2024-12-24', 'new', 9.99 FROM range(5) t(i)")
    assert change.rows_changed == {"orders": 5}
    assert ds.count("orders") == len(v2["orders"]) + 5
    u = mod.undo(ds)
    assert u.undoes == change.version
    assert_same(v2, snapshot(ds))
    mod.undo(ds)
    assert_same(v1, snapshot(ds))
    assert ds.refresh().row_counts == {"customer": 20, "orders": 60, "order_item": 120}
    with pytest.raises(ModificationError, match="Nothing to undo"):
        mod.undo(ds)
    hist = mod.history(ds)
    assert [(v.action, v.status) for v in hist] == [("generate", "applied"), ("modify", "undone"),
                                                    ("modify", "undone"), ("undo", "applied"), ("undo", "applied")]
    # undone snapshots are gone
    with ds.store.connect() as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ?",
                           [mod.VERSIONS_SCHEMA]).fetchone()[0] == 0


def test_versions_survive_store_reopen(ds, store, tmp_path):
    before = snapshot(ds)
    mod.modify(ds, "customer", sql="UPDATE customer SET tier = 'gold' WHERE city = 'Berlin'")
    changed = snapshot(ds)
    # a fresh process (a restarted kernel) sees the version and the data
    code = (
        "import json, sys; from synthtalk_jupyter.store import Store; from synthtalk_jupyter.dataset import Dataset;"
        "from synthtalk_jupyter import modify as m;"
        f"ds = Dataset('shop', Store({str(store.path)!r}));"
        "h = m.history(ds); print(json.dumps([[v.version, v.action, v.table, v.rows_changed] for v in h]));"
        "print(int((ds.df('customer').tier == 'gold').sum()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=str(Path(__file__).resolve().parents[1]))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert json.loads(lines[0]) == [[1, "generate", None, {}], [2, "modify", "customer", {"customer": 5}]]
    assert lines[1] == "5"
    # a new Store object on the same file undoes it
    ds2 = Dataset("shop", Store(store.path))
    assert_same(changed, snapshot(ds2))
    mod.undo(ds2)
    assert_same(before, snapshot(Dataset("shop", Store(store.path))))


def test_regeneration_starts_a_new_history(ds, store):
    mod.modify(ds, "orders", sql="UPDATE orders SET status = 'cancelled' WHERE id = 1")
    ds2 = save_dataset(store, "shop")  # same name again: new data
    with pytest.raises(ModificationError, match="Nothing to undo"):
        mod.undo(ds2)
    mod.modify(ds2, "orders", sql="UPDATE orders SET status = 'cancelled' WHERE id = 2")  # GC drops the old snapshot
    with ds2.store.connect() as con:
        snaps = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = ?",
                                           [mod.VERSIONS_SCHEMA]).fetchall()]
    assert snaps == [f"shop@{mod.history(ds2)[-1].version}@orders"]


# --------------------------------------------------------------------------- instruction mode (LLM)
from tests.fakes.openai_server import FakeOpenAI  # noqa: E402
from synthtalk_jupyter.config import Settings  # noqa: E402


def answer(*statements, explanation="done"):
    return json.dumps({"statements": list(statements), "explanation": explanation})


@pytest.fixture
def llm():
    with FakeOpenAI() as server:
        yield server


def llm_settings(llm) -> Settings:
    return Settings(base_url=llm.base_url, api_key="test-key", model="fake-model", timeout=10, max_retries=0)


DECEMBER = "UPDATE orders SET status = 'cancelled' WHERE placed_at >= DATE '2024-12-01' AND id % 10 < 3"


def test_instruction_applied_with_validation_at_zero(ds, llm):
    llm.add(answer(DECEMBER, explanation="30% of December orders cancelled (ids ending 0-2)."))
    before = ds.df("orders")
    expected = int(((pd.to_datetime(before.placed_at) >= "2024-12-01") & (before.id % 10 < 3)).sum())
    change = mod.modify(ds, "orders", "make 30% of the orders placed in December cancelled",
                        settings=llm_settings(llm))
    assert change.source == "llm" and change.rows_changed == {"orders": expected} and expected > 0
    assert "30% of December" in change.explanation
    assert ds.validate().ok
    # what the model saw: the table, its constraints, dependents, a profile and sample rows, the instruction
    req = llm.requests[0]
    assert req["response_format"]["type"] == "json_schema"
    prompt = req["messages"][-1]["content"]
    for needle in ("Table to change: orders", "order_item", "CHECK orders_status_check", "Sample rows of orders",
                   "REFERENCES customer", "<instruction>\nmake 30% of the orders placed in December cancelled"):
        assert needle in prompt, needle
    hist = mod.history(ds)
    assert hist[-1].instruction.startswith("make 30%") and hist[-1].source == "llm"
    mod.undo(ds)
    pd.testing.assert_frame_equal(before, ds.df("orders"))


@pytest.mark.parametrize("bad", [
    "DROP TABLE order_item",
    "CREATE TABLE orders_backup AS SELECT * FROM orders",
    "UPDATE orders SET status = (SELECT content FROM read_text('/etc/passwd'))",
    "COPY orders TO '/tmp/synthtalk_leak.csv'",
    "UPDATE orders SET status = 'cancelled' WHERE id IN (SELECT id FROM other.orders)",
    "DELETE FROM other.orders",
    "ATTACH '/tmp/x.duckdb' AS x",
])
def test_model_answer_outside_the_rules_refused(store, ds, llm, bad):
    other = save_dataset(store, "other")
    before, before_other = snapshot(ds), snapshot(other)
    llm.add(answer("UPDATE orders SET status = 'shipped' WHERE id = 1", bad))
    with pytest.raises(SQLRefused) as info:
        mod.modify(ds, "orders", "cancel some orders", settings=llm_settings(llm))
    assert "refused" in str(info.value) and "Proposed SQL" in str(info.value)
    assert len(llm.requests) == 1  # a refusal is not negotiated
    assert_same(before, snapshot(ds))
    assert_same(before_other, snapshot(other))
    assert not Path("/tmp/synthtalk_leak.csv").exists()
    assert [v.action for v in mod.history(ds)] == ["generate"]


def test_model_change_breaking_a_check_rolled_back(ds, llm):
    llm.add(answer("UPDATE orders SET total = total - 1000 WHERE status = 'new'"))
    before = snapshot(ds)
    with pytest.raises(ModificationRejected) as info:
        mod.modify(ds, "orders", "give new orders a 1000 EUR discount", settings=llm_settings(llm))
    assert info.value.constraint == "CHECK orders_total_check" and info.value.table == "orders"
    assert info.value.violations[0].count == 20
    assert "Proposed SQL" in str(info.value)
    assert_same(before, snapshot(ds))


def test_model_sql_error_repaired_once(ds, llm):
    llm.add(answer("UPDATE orders SET state = 'cancelled' WHERE id = 1"), answer(DECEMBER))
    change = mod.modify(ds, "orders", "cancel 30% of December orders", settings=llm_settings(llm))
    assert len(llm.requests) == 2
    feedback = llm.requests[1]["messages"][-1]["content"]
    assert "DuckDB could not run it" in feedback and "state" in feedback
    assert change.rows_changed["orders"] > 0 and ds.validate().ok


def test_model_declines(ds, llm):
    llm.add(answer(explanation="Negative totals would break CHECK orders_total_check."))
    with pytest.raises(ModificationError, match="proposed no change: Negative totals"):
        mod.modify(ds, "orders", "make all totals negative", settings=llm_settings(llm))


def test_instruction_without_llm_gives_a_notice_and_sql_still_works(ds):
    off = Settings(api_key=None, base_url=None)
    with pytest.raises(ModificationError, match="Instructions need an LLM") as info:
        mod.modify(ds, "orders", "cancel December orders", settings=off)
    assert "--sql" in str(info.value)
    change = mod.modify(ds, "orders", sql=DECEMBER)
    assert change.version == 2


# --------------------------------------------------------------------------- Langfuse tracing
from tests.fakes.langfuse_receiver import LangfuseReceiver  # noqa: E402


def test_model_calls_traced_in_langfuse(ds, llm):
    from synthtalk_jupyter.chat.tracing import Tracer

    with LangfuseReceiver() as lf:
        s = llm_settings(llm).replace(langfuse_public_key="pk-synthtalk-modify-test", langfuse_secret_key="sk-test",
                                      langfuse_base_url=lf.base_url)
        llm.add(answer("UPDATE orders SET state = 'x' WHERE id = 1"), answer(DECEMBER),
                answer("DROP TABLE orders"))
        mod.modify(ds, "orders", "cancel 30% of December orders", settings=s)
        with pytest.raises(SQLRefused):
            mod.modify(ds, "orders", "drop it", settings=s)
        Tracer(s).flush()
        roots = lf.wait_for(lambda: len(lf.spans_named("modify")) == 2 and lf.spans_named("modify"))
        for root in roots:
            assert root.type == "agent"
            assert root.attributes["langfuse.trace.name"] == "synthtalk.modify"
            assert root.attributes["session.id"].startswith("synthtalk-")
            assert "shop" in root.attributes["langfuse.trace.tags"]
        first = next(r for r in roots if "cancel" in r.attributes["langfuse.observation.input"])
        spans = lf.trace(first.trace_id)
        gens = [sp for sp in spans if sp.type == "generation"]
        assert sorted(g.name for g in gens) == ["modify-propose", "modify-repair"]
        for g in gens:
            assert g.parent_id == first.span_id
            assert g.attributes["langfuse.observation.model.name"] == "fake-model"
            assert g.json_attr("langfuse.observation.usage_details")["input"] > 0
        assert [sp.type for sp in spans if sp.name == "apply-sql"] == ["tool", "tool"]  # failing, then repaired
        assert "rows_changed" in first.attributes["langfuse.observation.output"]
        # the refused DDL: an unsafe_sql score on its trace
        lf.wait_for(lambda: any(m == "POST" and "scores" in path for m, path, _ in lf.requests))


def test_dataset_methods_delegate(ds, tmp_path):
    before = snapshot(ds)
    change = ds.modify("orders", "cancel December orders", sql=DECEMBER)
    assert change.instruction == "cancel December orders" and ds.version == change.version
    assert [v.action for v in ds.history()] == ["generate", "modify"]
    assert "cancel December orders" in str(ds.history()) and "<table>" in ds.history()._repr_html_()
    assert "valid" in change._repr_html_()
    ds.undo()
    assert_same(before, snapshot(ds))
    with pytest.raises(SynthTalkError, match="no spec"):
        ds.save_spec(tmp_path / "x.yaml")


from synthtalk_jupyter.errors import SynthTalkError  # noqa: E402


def test_propose_then_apply(ds, llm):
    llm.add(answer(DECEMBER, explanation="December orders, 30%"), answer("DROP TABLE orders"))
    before = snapshot(ds)
    p = mod.propose(ds, "orders", "cancel 30% of December orders", settings=llm_settings(llm))
    assert p.statements == [DECEMBER] and p.explanation == "December orders, 30%"
    assert_same(before, snapshot(ds))  # nothing applied yet
    change = mod.apply_sql(ds, "orders", ";\n".join(p.statements), instruction="cancel 30% of December orders",
                           explanation=p.explanation, source="llm")
    assert change.source == "llm" and mod.history(ds)[-1].source == "llm"
    with pytest.raises(SQLRefused, match="refused"):
        mod.propose(ds, "orders", "drop it", settings=llm_settings(llm))


def test_dropping_a_dataset_drops_its_undo_snapshots(tmp_path):
    import duckdb

    from synthtalk_jupyter import api
    from synthtalk_jupyter.modify import VERSIONS_SCHEMA
    from synthtalk_jupyter.store import Store

    store = Store(tmp_path / "drop.duckdb")
    ddl = ("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL CHECK (v >= 0));")
    ds = api.generate(ddl, "gone", rows=20, seed=1, store=store, progress=False)
    ds.modify("t", sql="UPDATE t SET v = 1")
    api.generate(ddl, "kept", rows=20, seed=1, store=store, progress=False).modify("t", sql="UPDATE t SET v = 2")

    def snapshots():
        with store.connect(read_only=True) as con:
            return [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = ?",
                                              [VERSIONS_SCHEMA]).fetchall()]

    assert any(s.startswith("gone@") for s in snapshots())
    store.drop("gone")
    left = snapshots()
    assert not any(s.startswith("gone@") for s in left)
    assert any(s.startswith("kept@") for s in left)  # other datasets keep their undo
