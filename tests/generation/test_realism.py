"""Cross-column realism the engine adds on top of per-column semantics: unique e-mails / user
names built on the row's own name, whole-second timestamps, no ship date for orders that have
not shipped. Validity is checked with the DuckDB helpers of ``test_engine``."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from synthtalk_jupyter.generation.pools import _alias_table, zipf_indices
from synthtalk_jupyter.schema.parse import parse_ddl

from .test_engine import assert_valid, col, gen

PEOPLE = """
CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    first_name  VARCHAR(50) NOT NULL,
    last_name   VARCHAR(50) NOT NULL,
    email       VARCHAR(120) NOT NULL UNIQUE,
    username    VARCHAR(40) NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP(6),
    CHECK (updated_at IS NULL OR updated_at >= created_at)
);
"""


def _slug(s: str) -> str:
    from faker.decode import unidecode
    return re.sub(r"[^a-z0-9]+", "", unidecode(s).lower())


@pytest.mark.parametrize("chunk_rows", [500_000, 1000])
def test_unique_email_and_username_use_the_rows_name(chunk_rows):
    schema, res, tables = gen(PEOPLE, rows=3000, chunk_rows=chunk_rows)
    assert_valid(schema, tables)
    first = col(tables, "customers", "first_name")
    last = col(tables, "customers", "last_name")
    email = col(tables, "customers", "email")
    user = col(tables, "customers", "username")
    assert len(set(email)) == len(email) == 3000
    assert len({e.lower() for e in email}) == 3000  # case-insensitive collations too
    assert len(set(user)) == 3000
    local = [e.split("@")[0] for e in email]
    has_last = np.mean([_slug(ln) in lp for ln, lp in zip(last, local)])
    assert has_last >= 0.9, has_last
    has_name = np.mean([(_slug(f) in u) or (_slug(ln) in u) or u.startswith(_slug(f)[:1]) for f, ln, u in zip(first, last, user)])
    assert has_name >= 0.9
    if chunk_rows >= 3000:
        # a code only where needed: most addresses carry no digits, none the old ".0252" code
        digits = np.mean([bool(re.search(r"\d", lp)) for lp in local])
        assert digits < 0.6, digits
        assert not any(re.search(r"\.\d{4}$", lp) for lp in local)


def test_unique_email_reproducible_and_in_varchar_limit():
    ddl = """CREATE TABLE users (id INT PRIMARY KEY, first_name VARCHAR(30) NOT NULL, last_name VARCHAR(30) NOT NULL,
             email VARCHAR(24) NOT NULL UNIQUE);"""
    _, _, t1 = gen(ddl, rows=2000, temperature=0.2)
    schema, _, t2 = gen(ddl, rows=2000, temperature=0.2)
    assert_valid(schema, t2)
    e = col(t2, "users", "email")
    assert e == col(t1, "users", "email")
    assert len(set(e)) == 2000 and max(len(x) for x in e) <= 24


def test_unique_semantic_names_get_numbers_only_for_repeats():
    ddl = """CREATE TABLE product (id INT PRIMARY KEY, name VARCHAR(60) NOT NULL UNIQUE, category VARCHAR(30));"""
    schema, _, tables = gen(ddl, rows=5000)
    assert_valid(schema, tables)
    names = col(tables, "product", "name")
    assert len({n.lower() for n in names}) == 5000
    plain = [n for n in names if not re.search(r"\d$", n)]
    assert len(plain) > 1000  # first occurrences keep the plain product name
    assert all(re.fullmatch(r"[A-Za-z ]+( \d+)?", n) for n in names)


def test_timestamps_have_whole_seconds_and_orderings_hold():
    schema, _, tables = gen(PEOPLE, rows=2000)
    assert_valid(schema, tables)
    for c in ("created_at", "updated_at"):
        arr = tables["customers"].column(c).combine_chunks()
        us = pc.fill_null(arr.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
        assert (us % 1_000_000 == 0).all(), c
    ddl = """CREATE TABLE ev (id INT PRIMARY KEY, starts_at TIMESTAMP NOT NULL, ends_at TIMESTAMP NOT NULL,
             CHECK (ends_at > starts_at), CHECK (starts_at >= '2024-01-01 00:00:00.5'));"""
    schema, _, tables = gen(ddl, rows=1000)
    assert_valid(schema, tables)
    us = tables["ev"].column("ends_at").combine_chunks().cast(pa.int64()).to_numpy()
    assert (us % 1_000_000 == 0).mean() > 0.95


ORDERS = """
CREATE TABLE orders (
    order_id     INTEGER PRIMARY KEY,
    status       VARCHAR(20) NOT NULL CHECK (status IN ('pending', 'processing', 'shipped', 'delivered', 'cancelled')),
    ordered_at   TIMESTAMP NOT NULL,
    shipped_at   TIMESTAMP,
    delivered_at TIMESTAMP,
    CHECK (shipped_at IS NULL OR shipped_at >= ordered_at)
);
CREATE TABLE shipments (
    id          INTEGER PRIMARY KEY,
    status      VARCHAR(20) NOT NULL CHECK (status IN ('new', 'cancelled', 'shipped')),
    order_date  DATE NOT NULL,
    ship_date   DATE NOT NULL
);
"""


def test_orders_not_shipped_yet_have_no_ship_date():
    schema, _, tables = gen(ORDERS, rows=2000)
    assert_valid(schema, tables)
    st = np.array(col(tables, "orders", "status"))
    shipped = np.array([v is None for v in col(tables, "orders", "shipped_at")])
    delivered = np.array([v is None for v in col(tables, "orders", "delivered_at")])
    for s in ("pending", "processing", "cancelled"):
        assert shipped[st == s].mean() > 0.95, s
    assert shipped[st == "delivered"].mean() < 0.2
    assert delivered[st == "shipped"].mean() > 0.95
    assert delivered[st == "delivered"].mean() < 0.2
    # NOT NULL ship dates are never nulled
    assert all(v is not None for v in col(tables, "shipments", "ship_date"))


def test_shop_example_is_plausible():
    from pathlib import Path

    import synthtalk_jupyter

    ddl = (Path(synthtalk_jupyter.__file__).parent / "examples" / "shop.sql").read_text()
    schema, _, tables = gen(parse_ddl(ddl), rows=1000, seed=42)
    assert_valid(schema, tables)
    st = np.array(col(tables, "orders", "status"))
    none = np.array([v is None for v in col(tables, "orders", "shipped_at")])
    assert none[st == "cancelled"].mean() > 0.95 and none[st == "pending"].mean() > 0.95
    local = [e.split("@")[0] for e in col(tables, "customers", "email")]
    last = col(tables, "customers", "last_name")
    assert np.mean([_slug(ln) in lp for ln, lp in zip(last, local)]) >= 0.9


@pytest.mark.parametrize("size,s", [(7, 1.0), (1000, 0.4), (50_000, 1.2)])
def test_zipf_alias_table_matches_weights(size, s):
    w = 1.0 / np.arange(1, size + 1) ** s
    prob, alias = _alias_table(w)
    # reconstruct each index's probability from the table
    got = prob.copy()
    np.add.at(got, alias, 1.0 - prob)
    assert np.allclose(got / size, w / w.sum(), atol=1e-9)
    idx = zipf_indices(size, 200_000, s, np.random.default_rng(1))
    assert idx.min() >= 0 and idx.max() < size
    emp = np.bincount(idx, minlength=size)[:3] / len(idx)
    assert np.allclose(emp, (w / w.sum())[:3], atol=0.01)
