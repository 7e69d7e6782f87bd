"""The LLM planner against a fake OpenAI-compatible server on 127.0.0.1 (the real openai SDK):
instructions -> a validated spec whose effect is visible in the generated data."""

from __future__ import annotations

import json

import pytest

from synthtalk_jupyter import api as stj  # synthtalk_jupyter.generation is shadowed by the subpackage once imported
from tests.fakes.openai_server import FakeOpenAI
from synthtalk_jupyter.config import Settings
from synthtalk_jupyter.errors import SpecError
from synthtalk_jupyter.generation import planner
from synthtalk_jupyter.generation.spec import GenerationSpec
from synthtalk_jupyter.schema.parse import parse_ddl
from synthtalk_jupyter.store import Store

DDL = """
CREATE TABLE customer (
  id INT PRIMARY KEY,
  name VARCHAR(60) NOT NULL,
  city VARCHAR(40),
  tier VARCHAR(10) NOT NULL CHECK (tier IN ('basic', 'silver', 'gold'))
);
CREATE TABLE orders (
  id INT PRIMARY KEY,
  customer_id INT NOT NULL REFERENCES customer(id),
  placed_at DATE NOT NULL,
  status VARCHAR(12) NOT NULL CHECK (status IN ('new', 'shipped', 'cancelled')),
  total NUMERIC(10,2) NOT NULL CHECK (total >= 0)
);
"""
PROMPT = "an outdoor-gear shop in Germany; most orders in Nov-Dec 2024; 5% of orders cancelled"
FIELDS = ["values", "weights", "min", "max", "distribution", "null_ratio", "format", "pattern", "sql", "unique"]


def col(table, column, **kw):
    out = {"table": table, "column": column}
    out.update({f: kw.get(f) for f in FIELDS})
    return out


def plan(*columns, tables=(), locale=None, notes="ok"):
    return json.dumps({"tables": list(tables), "columns": list(columns), "locale": locale, "notes": notes})


GOOD = plan(
    col("orders", "status", values=["new", "shipped", "cancelled"], weights=[0.15, 0.80, 0.05]),
    col("orders", "placed_at", min="2024-11-01", max="2024-12-31"),
    locale="de_DE", notes="Orders in Nov-Dec 2024, 5% cancelled, German names.")


@pytest.fixture
def llm():
    with FakeOpenAI() as server:
        yield server


def settings_for(llm) -> Settings:
    return Settings(base_url=llm.base_url, api_key="test-key", model="fake-model", timeout=10, max_retries=0)


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store.duckdb")


def test_prompt_shapes_the_generated_data(llm, store):
    llm.add(GOOD)
    ds = stj.generate(DDL, "shop", rows={"customer": 300, "orders": 4000}, seed=7, temperature=0.8, prompt=PROMPT,
                      store=store, progress=False, settings=settings_for(llm))
    # the request: structured output with a strict JSON schema, the temperature, schema + instructions
    req = llm.requests[0]
    assert req["response_format"]["type"] == "json_schema"
    assert req["response_format"]["json_schema"]["strict"] is True
    assert req["temperature"] == pytest.approx(0.8)
    text = "\n".join(m["content"] for m in req["messages"])
    assert PROMPT in text and "TABLE orders" in text and "status IN" in text
    assert "customer_id INT" in text and "KEY" in text  # keys are marked as not the model's business

    orders = ds.df("orders")
    share = (orders.status == "cancelled").mean()
    assert abs(share - 0.05) < 0.02, share
    placed = orders.placed_at.astype("datetime64[ns]")
    assert placed.min() >= __import__("pandas").Timestamp("2024-11-01")
    assert placed.max() <= __import__("pandas").Timestamp("2024-12-31")
    assert ds.validate().ok
    # the spec is stored with the dataset and shown / exported for reuse
    spec = planner.dataset_spec(ds)
    assert spec.column("orders", None, "status").weights == [0.15, 0.80, 0.05]
    assert spec.locale == "de_DE"
    assert any("Nov-Dec" in n for n in ds.notices)


def test_saved_spec_reused_without_llm(llm, store, tmp_path):
    llm.add(GOOD)
    ds = stj.generate(DDL, "shop", rows={"customer": 100, "orders": 2000}, seed=3, prompt=PROMPT, store=store,
                      progress=False, settings=settings_for(llm))
    spec = planner.dataset_spec(ds)
    for name in ("shop.spec.yaml", "shop.spec.json"):
        path = planner.save_spec(spec, tmp_path / name)
        again = GenerationSpec.load(path)
        assert again == spec
        ds2 = stj.generate(DDL, "shop2", rows={"customer": 100, "orders": 2000}, seed=3, spec=path, store=store,
                           progress=False)
        o = ds2.df("orders")
        assert abs((o.status == "cancelled").mean() - 0.05) < 0.02
        assert str(o.placed_at.min())[:10] >= "2024-11-01"
    assert len(llm.requests) == 1  # no model call for the reuse
    assert "weights" in planner.spec_to_yaml(spec) and json.loads(planner.spec_to_json(spec))["locale"] == "de_DE"


def test_invalid_plan_repaired_once(llm):
    schema = parse_ddl(DDL, "postgres")
    bad = plan(col("orders", "id", values=[1, 2, 3]),  # a key column
               col("orders", "status", values=["new", "refunded"], weights=[0.9, 0.1]),  # breaks the CHECK
               col("orders", "total", min=-10, max=100),  # below CHECK (total >= 0)
               col("orders", "colour", values=["red"]))  # no such column
    llm.add(bad, GOOD)
    notices: list[str] = []
    spec = planner.plan_spec(schema, PROMPT, temperature=1.0, settings=settings_for(llm), notices=notices)
    assert len(llm.requests) == 2
    repair = llm.requests[1]["messages"][-1]["content"]
    for needle in ("orders.id is a key column", "refunded", "total: min -10", "colour"):
        assert needle in repair, repair
    assert spec.column("orders", None, "status").values == ["new", "shipped", "cancelled"]
    assert spec.column("orders", None, "id") is None


def test_problems_left_after_repair_are_dropped_with_a_notice(llm):
    schema = parse_ddl(DDL, "postgres")
    still_bad = plan(col("orders", "status", values=["refunded"]),
                     col("orders", "placed_at", min="2024-11-01", max="2024-12-31"))
    llm.add(still_bad, still_bad)
    notices: list[str] = []
    spec = planner.plan_spec(schema, PROMPT, settings=settings_for(llm), notices=notices)
    assert spec.column("orders", None, "status") is None
    assert spec.column("orders", None, "placed_at").min == "2024-11-01"
    assert any("ignored" in n and "refunded" in n for n in notices)


def test_garbage_twice_rejected_with_reason(llm):
    schema = parse_ddl(DDL, "postgres")
    llm.add("Sure! Here are 1000 rows: (1, 'a'), (2, 'b') ...", '{"rows": [[1, "a"]]}')
    with pytest.raises(SpecError, match="could not be used"):
        planner.plan_spec(schema, PROMPT, settings=settings_for(llm))


def test_unsafe_sql_expression_refused(llm):
    schema = parse_ddl(DDL, "postgres")
    llm.add(plan(col("customer", "city", sql="getenv('HOME')")),
            plan(col("customer", "city", sql="(SELECT max(name) FROM customer)")))
    notices: list[str] = []
    spec = planner.plan_spec(schema, PROMPT, settings=settings_for(llm), notices=notices)
    assert "getenv" in llm.requests[1]["messages"][-1]["content"]
    assert spec.column("customer", None, "city") is None
    assert any("no subqueries" in n for n in notices)


def test_base_spec_kept_and_rows_planned(llm):
    schema = parse_ddl(DDL, "postgres")
    base = GenerationSpec.from_dict({"tables": {"customer": {"columns": {"tier": {"values": ["gold"]}}}}})
    llm.add(plan(col("orders", "status", values=["cancelled", "new"], weights=[1, 3]),
                 tables=[{"table": "orders", "rows": 500}]))
    spec = planner.plan_spec(schema, "a quarter of orders cancelled, 500 orders", base=base,
                             settings=settings_for(llm))
    assert spec.column("customer", None, "tier").values == ["gold"]
    assert spec.table("orders").rows == 500
    assert "gold" in llm.requests[0]["messages"][-1]["content"]  # the model saw the user's spec


def test_endpoint_down_is_a_clear_error():
    from synthtalk_jupyter.errors import LLMError

    schema = parse_ddl(DDL, "postgres")
    s = Settings(base_url="http://127.0.0.1:9/v1", api_key="x", timeout=2, max_retries=0)
    with pytest.raises(LLMError, match="Cannot reach"):
        planner.plan_spec(schema, PROMPT, settings=s)


def test_without_llm_a_notice(store):
    ds = stj.generate(DDL, "shop", rows=50, seed=1, prompt=PROMPT, store=store, progress=False,
                      settings=Settings(api_key=None, base_url=None))
    assert any("Instructions were not applied" in n for n in ds.notices)


def test_planner_call_traced_in_langfuse(llm):
    from tests.fakes.langfuse_receiver import LangfuseReceiver
    from synthtalk_jupyter.chat.tracing import Tracer

    schema = parse_ddl(DDL, "postgres")
    with LangfuseReceiver() as lf:
        s = settings_for(llm).replace(langfuse_public_key="pk-synthtalk-planner-test", langfuse_secret_key="sk",
                                      langfuse_base_url=lf.base_url)
        llm.add(GOOD)
        planner.plan_spec(schema, PROMPT, temperature=0.8, settings=s)
        Tracer(s).flush()
        root = lf.wait_for(lambda: lf.spans_named("plan"))[0]
        assert root.attributes["langfuse.trace.name"] == "synthtalk.plan"
        assert "weights" in root.attributes["langfuse.observation.output"]
        gen = lf.spans_named("plan-spec")[0]
        assert gen.parent_id == root.span_id and gen.type == "generation"
        assert gen.attributes["langfuse.observation.model.name"] == "fake-model"
        assert gen.json_attr("langfuse.observation.model.parameters")["temperature"] == 0.8
        assert gen.json_attr("langfuse.observation.usage_details")["output"] > 0
