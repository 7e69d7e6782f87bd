"""The Dataset object: data access by table name, schema re-parsed, exports wired."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tests import handmade
from synthtalk_jupyter.dataset import Dataset
from synthtalk_jupyter.errors import StoreError


@pytest.fixture
def ds(tmp_store):
    return tmp_store.save("shop", handmade.make_result("postgres", 25))


def test_metadata(ds, tmp_store):
    assert ds.name == "shop" and ds.dialect == "postgres" and ds.source == handmade.PG
    assert ds.tables == handmade.make_result("postgres", 25).order
    assert ds.row_counts == {k: v.num_rows for k, v in handmade.shop_tables("postgres", 25).items()}
    assert ds.notices == ["hand-made"] and ds.version == 1
    assert "7 tables" in repr(ds)
    again = Dataset("SHOP", tmp_store)  # case-insensitive lookup, stored spelling kept
    assert again.name == "shop"
    with pytest.raises(StoreError, match="No dataset named 'nope'"):
        Dataset("nope", tmp_store)


def test_schema_is_reparsed_and_cached(ds):
    s = ds.schema
    assert s is ds.schema and set(s.tables) == set(ds.tables)
    assert s.table("orders").foreign_keys[0].ref_table == "customer"


def test_df_arrow_preview(ds):
    want = handmade.shop_tables("postgres", 25)["customer"]
    df = ds.df("customer")
    assert len(df) == 25 and list(df.columns) == [c.name for c in ds.schema.table("customer").columns]
    assert df["name"].tolist() == [x or "x" for x in want.column("name").to_pylist()]
    tbl = ds.arrow("customer")
    assert isinstance(tbl, pa.Table) and tbl.num_rows == 25
    assert tbl.column("id").to_pylist() == list(range(1, 26))
    assert tbl.column("tags").to_pylist() == want.column("tags").to_pylist()
    assert tbl.column("photo").to_pylist() == want.column("photo").to_pylist()
    prev = ds.preview("orders", 4)
    assert len(prev) == 4 and prev["id"].tolist() == [1, 2, 3, 4]
    assert len(ds.preview("Product", 0)) == 0


def test_table_names_resolve(ds):
    assert ds.table_key("ORDERS") == "orders" and ds.table_key("product") == "Product"
    assert ds.count("order_item") == ds.row_counts["order_item"]
    with pytest.raises(StoreError, match="no table 'invoices'"):
        ds.df("invoices")


def test_current_contents_after_a_change(ds, tmp_store):
    with tmp_store.connect() as con:
        con.execute('DELETE FROM "shop"."orders" WHERE id > 5')
    assert len(ds.df("orders")) == 5 and ds.count("orders") == 5


def test_sql_on_the_dataset(ds):
    df = ds.sql("SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY status")
    assert df["n"].sum() == 25


def test_validate_sets_report(ds):
    rep = ds.validate()
    assert rep.ok and ds.report is rep
