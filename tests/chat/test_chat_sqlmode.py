"""SQL mode: no LLM, same sandbox, events for the front-ends."""

from synthtalk_jupyter.chat import run_sql
from synthtalk_jupyter.config import Settings


def test_run_sql_ok(shop):
    events = []
    res = run_sql("SELECT status, count(*) AS n FROM orders GROUP BY 1 ORDER BY 1", shop, on_event=events.append)
    assert res.ok and res.sql and list(res.df.columns) == ["status", "n"]
    assert res.df["n"].sum() == 400
    assert [e.type for e in events] == ["sql", "table", "done"]


def test_run_sql_refused(shop):
    events = []
    res = run_sql("DROP TABLE orders", shop, on_event=events.append)
    assert res.blocked and res.status == "blocked" and res.category == "unsafe_sql"
    assert "DROP" in res.reason and res.df is None
    assert [e.type for e in events] == ["sql_error", "done"] and events[0].refused


def test_run_sql_error_and_cap(shop):
    res = run_sql("SELECT nope FROM orders", shop)
    assert res.status == "error" and "nope" in res.reason
    res = run_sql("SELECT * FROM orders", shop, settings=Settings(row_cap=10))
    assert res.row_count == 10 and res.truncated


def test_run_sql_works_without_llm_config(shop, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert run_sql("SELECT 1 AS x", shop, settings=Settings()).ok
