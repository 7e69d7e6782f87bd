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
