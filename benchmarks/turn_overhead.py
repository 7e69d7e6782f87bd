"""Time our own code adds to a chat turn, outside the model (target: < 300 ms).

Usage::

    python benchmarks/turn_overhead.py              # 1 M orders (+2 M order items), 15 runs
    python benchmarks/turn_overhead.py --orders 200000 --runs 5

Per turn, measured separately and summed: the input guard, the SQL check (sqlglot AST
allow-list), the query in the dataset's locked sandbox (reused across turns; the first question
also creates the instance, reported apart) on 1 M rows + fetch, the result preview the model sees, and the chart (Seaborn on a
matplotlib Figure; PNG rendering, which the front-end does when displaying, reported apart).
Then an end-to-end turn through ``ask()`` against the local fake OpenAI server answering
instantly (so the rest is our code + the openai SDK + local HTTP), for two model calls.
Warm numbers (imports and font cache loaded once before, as in a notebook after the first
question); the cold first-turn import cost is reported too.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

QUESTION = "Show monthly revenue in 2024 per order status as a line chart"
QUERIES = {
    "join_top5": ("SELECT c.name, SUM(o.total) AS spent FROM customer c JOIN orders o ON o.customer_id = c.customer_id "
                  "WHERE o.order_date >= DATE '2024-01-01' GROUP BY c.name ORDER BY spent DESC LIMIT 5",
                  {"kind": "bar", "x": "name", "y": "spent"}),
    "monthly_by_status": ("SELECT date_trunc('month', order_date) AS month, status, SUM(total) AS revenue "
                          "FROM orders GROUP BY ALL ORDER BY 1",
                          {"kind": "line", "x": "month", "y": "revenue", "hue": "status"}),
    "items_by_category": ("SELECT p.category, SUM(oi.quantity * oi.unit_price) AS revenue FROM order_items oi "
                          "JOIN product p USING (product_id) GROUP BY 1 ORDER BY 2 DESC",
                          {"kind": "bar", "x": "category", "y": "revenue"}),
}


def ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def stats(xs: list[float]) -> str:
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
    return f"median {statistics.median(xs):7.1f}  p95 {p95:7.1f}  min {xs[0]:7.1f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=15)
    a = ap.parse_args(argv)

    t0 = time.perf_counter()
    import seaborn  # noqa: F401

    from synthtalk_jupyter.chat import agent, charts  # noqa: F401
    cold_import = ms(t0)

    from synthtalk_jupyter.chat.agent import preview
    from synthtalk_jupyter.chat.charts import draw
    from synthtalk_jupyter.chat.context import schema_context
    from synthtalk_jupyter.chat.guard import check_input
    from synthtalk_jupyter.chat.sandbox import Sandbox, check_sql, shared_sandbox
    from synthtalk_jupyter.chat.source import demo_shop

    t0 = time.perf_counter()
    ds = demo_shop(customers=50_000, products=500, orders=a.orders, items_per_order=2, seed=1)
    print(f"dataset: {a.orders:,} orders, {2 * a.orders:,} order items, 50,000 customers "
          f"(built in {ms(t0) / 1000:.1f} s); imports (seaborn, chat): {cold_import:.0f} ms cold")
    t0 = time.perf_counter()
    schema_context(ds)
    print(f"schema context (first build, then cached): {ms(t0):.1f} ms")

    # warm-up: font cache, DuckDB, seaborn code paths
    for sql, spec in QUERIES.values():
        with Sandbox(ds) as sb:
            draw(spec, sb.run(sql).df)

    cold = []
    for _ in range(3):
        t0 = time.perf_counter()
        with Sandbox(ds) as sb:
            sb.run(QUERIES["join_top5"][0])
        cold.append(ms(t0))
    print(f"first question on a dataset (new locked instance + tables loaded + join_top5): "
          f"{stats(cold)} ms")

    worst_total = 0.0
    for name, (sql, spec) in QUERIES.items():
        parts: dict[str, list[float]] = {k: [] for k in ("guard", "sql_check", "query", "preview", "chart", "total",
                                                         "png")}
        for _ in range(a.runs):
            t = time.perf_counter()
            t0 = time.perf_counter()
            g = check_input(QUESTION, ds, ())
            parts["guard"].append(ms(t0))
            assert g.allowed
            t0 = time.perf_counter()
            checked = check_sql(sql, ds)
            parts["sql_check"].append(ms(t0))
            t0 = time.perf_counter()
            q = shared_sandbox(ds).execute(checked)
            df = q.df
            parts["query"].append(ms(t0))
            t0 = time.perf_counter()
            preview(q)
            parts["preview"].append(ms(t0))
            t0 = time.perf_counter()
            fig = draw(spec, df)
            parts["chart"].append(ms(t0))
            parts["total"].append(ms(t))
            t0 = time.perf_counter()
            fig.savefig(io.BytesIO(), format="png")
            parts["png"].append(ms(t0))
        print(f"\n{name}: {q.row_count} result rows")
        for k, v in parts.items():
            label = {"total": "TOTAL (our code)", "png": "png render (display)"}.get(k, k)
            print(f"  {label:22} {stats(v)}  ms")
        worst_total = max(worst_total, statistics.median(parts["total"]))

    # end to end through ask(): the fake model answers instantly
    from fakes.openai_server import FakeOpenAI, Reply, ToolCall

    from synthtalk_jupyter.chat import ChatSession, ask
    from synthtalk_jupyter.config import Settings

    sql, spec = QUERIES["monthly_by_status"]
    with FakeOpenAI() as llm:
        s = Settings(base_url=llm.base_url, api_key="x", model="fake-model", timeout=10, max_retries=0)
        e2e = []
        for i in range(a.runs + 1):
            llm.add(ToolCall("run_sql", {"sql": sql}), ToolCall("plot", spec), Reply("Revenue is stable."))
            t0 = time.perf_counter()
            res = ask(QUESTION, ds, session=ChatSession(), settings=s)
            if i:
                e2e.append(ms(t0))
            assert res.ok and res.figure is not None, res
    print(f"\nend-to-end ask() with an instant fake model (3 model calls over local HTTP, query, chart):\n"
          f"  {'TOTAL':22} {stats(e2e)}  ms")
    print(f"\ntarget: our code < 300 ms per turn; worst median of the measured turns: {worst_total:.0f} ms")
    return 0 if worst_total < 300 else 1


if __name__ == "__main__":
    raise SystemExit(main())
