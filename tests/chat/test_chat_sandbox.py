"""The read-only sandbox: allow-list check on the AST, then a locked in-memory DuckDB."""

import os
import time

import pytest

from synthtalk_jupyter.chat.sandbox import QueryFailed, Sandbox, check_sql, run_query
from synthtalk_jupyter.errors import SQLRefused

GOOD = [
    "SELECT c.name, SUM(o.total) AS spent FROM customer c JOIN orders o ON o.customer_id = c.customer_id "
    "GROUP BY c.name ORDER BY spent DESC LIMIT 5",
    "SELECT date_trunc('month', order_date) AS m, count(*) FROM orders GROUP BY ALL ORDER BY 1",
    "WITH t AS (SELECT customer_id, sum(total) s FROM orders GROUP BY 1) SELECT * FROM t ORDER BY s DESC LIMIT 3;",
    "SELECT status, count(*) FILTER (WHERE total > 100), round(median(total), 2) FROM orders GROUP BY status",
    "SELECT strftime(order_date, '%Y-%m') ym, CASE WHEN total > 100 THEN 'big' ELSE 'small' END FROM orders LIMIT 3",
    "SELECT p.category, sum(oi.quantity * oi.unit_price) rev FROM order_items oi JOIN product p USING (product_id) "
    "GROUP BY 1 QUALIFY rank() OVER (ORDER BY sum(oi.quantity * oi.unit_price) DESC) <= 3",
    "FROM orders SELECT count(*)",
    "SELECT * FROM orders WHERE status IN ('shipped','delivered') AND customer_id IN "
    "(SELECT customer_id FROM customer WHERE country = 'US') LIMIT 5",
    "SELECT * FROM range(5)",
    "SELECT * FROM shop.Orders LIMIT 1",
    "SELECT status FROM orders UNION ALL SELECT segment FROM customer",
    "SELECT customer.* EXCLUDE (email) FROM customer LIMIT 2",
    "select * from orders order by random() limit 3",
    "SELECT 1 /* a comment; DROP TABLE orders */ AS x",
]

BAD = {
    "drop": "DROP TABLE orders",
    "delete": "DELETE FROM orders",
    "update": "UPDATE orders SET total = 0",
    "insert": "INSERT INTO orders VALUES (1, 1, DATE '2024-01-01', 'pending', 1)",
    "create": "CREATE TABLE x AS SELECT 1",
    "ctas_in_cte": "WITH x AS (SELECT 1) DELETE FROM orders",
    "select_into": "SELECT * INTO newt FROM orders",
    "copy_to": "COPY orders TO '{tmp}/out.csv'",
    "copy_query_to": "COPY (SELECT * FROM orders) TO '{tmp}/out.parquet' (FORMAT parquet)",
    "attach": "ATTACH '{tmp}/x.db' AS x",
    "detach": "DETACH x",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "set": "SET threads = 1",
    "reset": "RESET threads",
    "set_external": "SET enable_external_access = true",
    "pragma": "PRAGMA version",
    "call": "CALL pragma_version()",
    "export": "EXPORT DATABASE '{tmp}/exp'",
    "import": "IMPORT DATABASE '{tmp}/exp'",
    "read_csv": "SELECT * FROM read_csv('/etc/passwd')",
    "read_csv_auto": "SELECT * FROM read_csv_auto('/etc/passwd')",
    "read_text": "SELECT * FROM read_text('/etc/passwd')",
    "read_blob": "SELECT content FROM read_blob('/etc/passwd')",
    "read_parquet": "SELECT * FROM read_parquet('/tmp/*.parquet')",
    "read_json": "SELECT * FROM read_json('/etc/x.json')",
    "replacement_scan": "SELECT * FROM '/etc/passwd'",
    "url_scan": "SELECT * FROM 'https://example.com/x.csv'",
    "glob": "SELECT * FROM glob('/etc/*')",
    "getenv": "SELECT getenv('HOME')",
    "current_setting": "SELECT current_setting('threads')",
    "duckdb_settings": "SELECT * FROM duckdb_settings()",
    "query": "SELECT * FROM query('SELECT 1')",
    "query_table": "SELECT * FROM query_table('orders')",
    "sniff_csv": "SELECT * FROM sniff_csv('/etc/passwd')",
    "quoted_func": "SELECT \"read_text\"('/etc/passwd')",
    "qualified_func": "SELECT main.getenv('x')",
    "lateral": "SELECT * FROM orders, LATERAL read_text('/etc/passwd')",
    "subquery_read": "SELECT 1 FROM orders WHERE total > (SELECT count(*) FROM read_csv('/etc/passwd'))",
    "info_schema": "SELECT * FROM information_schema.tables",
    "other_schema": "SELECT * FROM other.orders",
    "catalog": "SELECT * FROM memory.main.orders",
    "multi": "SELECT 1; DROP TABLE orders",
    "comment_trick": "SELECT 1; --",
    "comment_newline": "SELECT 1; -- x\nDROP TABLE orders",
    "block_comment": "SELECT 1 /* x */; DELETE FROM orders",
    "two_selects": "SELECT * FROM orders; SELECT 1",
    "fullwidth": "ＤＲＯＰ TABLE orders",
    "fullwidth_func": "SELECT ｇｅｔｅｎｖ('HOME')",
    "zero_width": "SELECT 1;\u200bDROP TABLE orders",
    "bidi": "SELECT * FROM orders\u202e",
    "nul": "SELECT 1\x00; DROP TABLE orders",
    "summarize": "SUMMARIZE orders",
    "truncate": "TRUNCATE orders",
    "alter": "ALTER TABLE orders ADD COLUMN x INT",
    "vacuum": "VACUUM",
    "checkpoint": "CHECKPOINT",
    "begin": "BEGIN",
    "use": "USE memory",
    "set_variable": "SET VARIABLE x = 1",
    "getvariable": "SELECT getvariable('x')",
    "empty": "   ",
}


@pytest.mark.parametrize("sql", GOOD)
def test_ordinary_analytics_run(shop, sql):
    res = run_query(sql, shop)
    assert res.row_count >= 1


@pytest.mark.parametrize("kind", sorted(BAD))
def test_forbidden_is_refused(shop, tmp_path, kind):
    sql = BAD[kind].format(tmp=tmp_path)
    with pytest.raises(SQLRefused):
        check_sql(sql, shop)
    with Sandbox(shop) as sb, pytest.raises(SQLRefused):
        sb.run(sql)
    assert os.listdir(tmp_path) == []


def test_executed_sql_is_regenerated_without_comments(shop):
    checked = check_sql("SELECT count(*) AS n FROM Orders -- sneaky\n", shop)
    assert "sneaky" not in checked.sql and '"orders"' in checked.sql
    assert checked.tables == ["orders"]


def test_engine_is_locked_even_without_the_check(shop, tmp_path):
    # second wall: bypass the AST check and talk to the locked instance directly
    with Sandbox(shop) as sb:
        con = sb._connect()
        for sql in [f"COPY (SELECT 1) TO '{tmp_path}/x.csv'", "SELECT * FROM read_text('/etc/passwd')",
                    "SET enable_external_access = true", "SET lock_configuration = false",
                    f"ATTACH '{tmp_path}/y.db' AS y", "INSTALL httpfs"]:
            with pytest.raises(Exception):
                con.execute(sql).fetchall()
    assert os.listdir(tmp_path) == []


def test_data_intact_after_refusals(shop):
    before = {k: shop.arrow(k).num_rows for k in shop.tables}
    with Sandbox(shop) as sb:
        for sql in BAD.values():
            try:
                sb.run(sql.format(tmp="/nonexistent"))
            except (SQLRefused, QueryFailed):
                pass
        assert sb.run("SELECT count(*) AS n FROM orders").table.column("n")[0].as_py() == before["orders"]
    assert {k: shop.arrow(k).num_rows for k in shop.tables} == before


def test_row_cap_and_truncation(shop):
    with Sandbox(shop, row_cap=50) as sb:
        res = sb.run("SELECT * FROM orders")
        assert res.row_count == 50 and res.truncated
        res = sb.run("SELECT * FROM orders LIMIT 50")
        assert res.row_count == 50 and not res.truncated


def test_timeout_interrupts(shop):
    with Sandbox(shop, timeout=0.3) as sb:
        t0 = time.perf_counter()
        with pytest.raises(QueryFailed, match="longer than"):
            sb.run("SELECT count(*) FROM range(100000000000) a, range(1000) b")
        assert time.perf_counter() - t0 < 3
        assert sb.run("SELECT 1 AS one").row_count == 1  # still usable


def test_database_error_is_reported(shop):
    with pytest.raises(QueryFailed, match="(?i)no_such_column|not found|does not have"):
        run_query("SELECT no_such_column FROM orders", shop)


def test_unknown_table_message_lists_tables(shop):
    with pytest.raises(SQLRefused, match="customer, product, orders, order_items"):
        check_sql("SELECT * FROM users", shop)


def test_df_types(shop):
    df = run_query("SELECT order_date, total FROM orders LIMIT 5", shop).df
    assert str(df["order_date"].dtype).startswith("datetime64")
    assert df["total"].dtype == "float64"
