"""Sampling speed of semantic_values per kind (pools already built): values/s for 1 M rows.

    python benchmarks/bench_semantic.py [rows] [locale]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pyarrow as pa

from synthtalk_jupyter.generation.context import GenContext
from synthtalk_jupyter.generation.pools import Pools
from synthtalk_jupyter.generation.semantic import semantic_depends, semantic_kind, semantic_values
from synthtalk_jupyter.schema.model import Column, ColumnType, Kind, Table


def T(kind, length=None, precision=None, scale=None, fixed=False):
    return ColumnType(Kind(kind), length=length, precision=precision, scale=scale, fixed=fixed)


COLUMNS = [
    ("first_name", T("string", 40)), ("last_name", T("string", 40)), ("full_name", T("string", 80)),
    ("email", T("string", 80)), ("username", T("string", 30)), ("phone", T("string", 24)),
    ("street_address", T("string", 70)), ("address2", T("string", 30)), ("city", T("string", 40)),
    ("state", T("string", 40)), ("postal_code", T("string", 10)), ("country", T("string", 40)),
    ("country_code", T("string", 2, fixed=True)), ("company_name", T("string", 60)),
    ("job_title", T("string", 50)), ("department", T("string", 40)), ("product_name", T("string", 60)),
    ("title", T("string", 120)), ("category", T("string", 30)), ("description", T("string")),
    ("comment", T("string", 100)), ("website", T("string", 100)), ("ip_address", T("string", 15)),
    ("color", T("string", 20)), ("gender", T("string", 1, fixed=True)), ("currency_code", T("string", 3)),
    ("timezone", T("string", 40)), ("status", T("string", 20)), ("sku", T("string", 12)),
    ("isbn", T("string", 17)), ("password_hash", T("string", 64)), ("uuid", T("string", 36)),
    ("price", T("decimal", precision=10, scale=2)), ("amount", T("decimal", precision=12, scale=2)),
    ("salary", T("int")), ("quantity", T("int")), ("discount", T("decimal", precision=3, scale=2)),
    ("rating", T("int")), ("age", T("int")), ("latitude", T("decimal", precision=9, scale=6)),
    ("is_active", T("bool")), ("birth_date", T("date")), ("created_at", T("timestamp")),
    ("updated_at", T("timestamp")), ("order_date", T("date")), ("ship_date", T("date")),
]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    locale = sys.argv[2] if len(sys.argv) > 2 else "en_US"
    table = Table("customer", columns=[Column(c, t) for c, t in COLUMNS])
    table.key = "customer"
    pools = Pools(seed=0)
    # warm-up: build every pool once (Faker), small n
    warm = GenContext(rng=np.random.default_rng(0), locale=locale, pools=pools)
    t0 = time.perf_counter()
    for col in table.columns:
        semantic_values(table, col, 1000, warm)
    print(f"pool build / load (first call, {locale}): {time.perf_counter() - t0:.2f} s")
    ctx = GenContext(rng=np.random.default_rng(1), locale=locale, pools=pools)
    print(f"{'column':<16} {'kind':<16} {'deps':<24} {'seconds':>8} {'values/s':>14}")
    total = 0.0
    for col in table.columns:
        t0 = time.perf_counter()
        arr = semantic_values(table, col, n, ctx)
        dt = time.perf_counter() - t0
        total += dt
        assert arr is not None and len(arr) == n, col.name
        ctx.columns[col.name] = arr
        deps = ",".join(semantic_depends(table, col))
        print(f"{col.name:<16} {semantic_kind(table, col) or '-':<16} {deps:<24} {dt:>8.3f} {n / dt:>14,.0f}")
    print(f"all {len(table.columns)} columns: {total:.2f} s for {n:,} rows ({n * len(table.columns) / total:,.0f} values/s)")


if __name__ == "__main__":
    main()
