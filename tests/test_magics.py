"""The IPython front-end, driven through a real InteractiveShell."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing.globalipapp import get_ipython
from IPython.utils.capture import capture_output

import synthtalk_jupyter
from synthtalk_jupyter import api
from synthtalk_jupyter.api import parse_rows
from synthtalk_jupyter.errors import UsageError
from synthtalk_jupyter.magics import _split_leading_options

SHOP = """
CREATE TABLE customer (
  id INTEGER PRIMARY KEY,
  first_name VARCHAR(40) NOT NULL,
  last_name VARCHAR(40) NOT NULL,
  email VARCHAR(120) UNIQUE,
  city VARCHAR(60)
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customer(id),
  status VARCHAR(12) NOT NULL CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
  total NUMERIC(10, 2) NOT NULL CHECK (total >= 0),
  ordered_at TIMESTAMP NOT NULL
);
"""


@pytest.fixture(scope="module")
def ip():
    # another test module may have cleared the global shell: then make a fresh one
    shell = get_ipython() or InteractiveShell.instance()
    # a notebook front-end renders HTML; the terminal test shell only plain text by default
    shell.display_formatter.active_types = ["text/plain", "text/html"]
    shell.display_formatter.formatters["text/html"].enabled = True
    shell.run_line_magic("load_ext", "synthtalk_jupyter")
    return shell


@pytest.fixture(autouse=True)
def store(tmp_path):
    api.set_store(tmp_path / "store.duckdb")
    yield
    api._store = None


def html_of(captured) -> str:
    return "".join(o.data.get("text/html", "") for o in captured.outputs)


def test_parse_rows():
    assert parse_rows("500", 10) == 500
    assert parse_rows(None, 10) == 10
    assert parse_rows("customer=5, Orders=7", 10) == {"*": 10, "customer": 5, "Orders": 7}
    with pytest.raises(UsageError, match="whole number"):
        parse_rows("orders=many", 10)


def test_free_text_never_goes_through_argparse():
    opts, text, values = _split_leading_options("--dataset shop what's the -- top customer?", {"--dataset"})
    assert opts == "" and values == {"--dataset": "shop"} and text == "what's the -- top customer?"
    opts, text, values = _split_leading_options(
        'shop.orders --sql "UPDATE orders SET status = \'paid\' -- note"', {"--sql"}, 1)
    assert opts == "shop.orders" and text == ""
    assert values["--sql"] == "UPDATE orders SET status = 'paid' -- note"


def test_generate_cell_magic_returns_dataset(ip):
    ds = ip.run_cell_magic("ddl_generate", "shop --rows customer=30,orders=80 --seed 7", SHOP)
    assert ds is not None and ds.name == "shop"
    assert list(ds.tables) == ["customer", "orders"]
    assert len(ds.df("customer")) == 30 and len(ds.df("orders")) == 80
    assert ds.validate().ok
    # the Dataset renders as HTML in the notebook, with a preview per table
    html = ds._repr_html_()
    assert "customer" in html and "orders" in html and "showing" in html


def test_same_seed_same_data(ip):
    a = ip.run_cell_magic("ddl_generate", "a --rows 40 --seed 3", SHOP).df("orders")
    b = ip.run_cell_magic("ddl_generate", "b --rows 40 --seed 3", SHOP).df("orders")
    assert a.equals(b)


def test_config_sets_defaults(ip):
    ip.run_line_magic("config", "SynthTalk.rows = 12")
    try:
        ds = ip.run_cell_magic("ddl_generate", "small --seed 1", SHOP)
        assert len(ds.df("customer")) == 12
    finally:
        ip.run_line_magic("config", "SynthTalk.rows = 1000")


def test_help_prints_usage(ip):
    with capture_output() as cap:
        ip.run_line_magic("ddl_generate", "--help")
    assert "--rows" in cap.stdout and "--seed" in cap.stdout


def test_bad_ddl_is_a_message_and_keeps_stored_data(ip):
    ip.run_cell_magic("ddl_generate", "keep --rows 10 --seed 1", SHOP)
    with capture_output() as cap:
        out = ip.run_cell_magic("ddl_generate", "keep --rows 10", "this is not sql at all")
    assert out is None
    text = html_of(cap)
    assert "Cannot generate" in text and "Traceback" not in text + cap.stdout + cap.stderr
    assert len(api.open_dataset("keep").df("customer")) == 10


def test_line_form_reads_a_file(ip, tmp_path):
    f = tmp_path / "schema.sql"
    f.write_text(SHOP)
    ds = ip.run_line_magic("ddl_generate", f"--file {f} fromfile --rows 5 --seed 2")
    assert ds.name == "fromfile" and len(ds.df("orders")) == 5


def test_exports_from_the_magic(ip, tmp_path):
    out = tmp_path / "csv"
    z = tmp_path / "all.zip"
    ip.run_cell_magic("ddl_generate", f"ex --rows 10 --seed 1 --out {out} --zip {z}", SHOP)
    assert (out / "customer.csv").exists() and (out / "orders.csv").exists()
    assert z.exists() and z.stat().st_size > 0


def test_chat_sql_mode_without_llm(ip):
    ip.run_cell_magic("ddl_generate", "talk --rows 20 --seed 1", SHOP)
    res = ip.run_line_magic("chat", "--sql SELECT count(*) AS n FROM orders")
    assert res.df is not None and int(res.df["n"][0]) == 20
    assert res.sql and not res.blocked


def test_chat_sql_mode_refuses_writes(ip):
    ip.run_cell_magic("ddl_generate", "safe --rows 20 --seed 1", SHOP)
    res = ip.run_line_magic("chat", "--sql DELETE FROM orders")
    assert res.blocked
    assert len(api.open_dataset("safe").df("orders")) == 20


def test_datasets_magic_lists_and_opens(ip):
    ip.run_cell_magic("ddl_generate", "one --rows 5 --seed 1", SHOP)
    ip.run_cell_magic("ddl_generate", "two --rows 5 --seed 1", SHOP)
    with capture_output():
        names = ip.run_line_magic("ddl_datasets", "")
    assert {"one", "two"} <= set(names)
    ds = ip.run_line_magic("ddl_datasets", "--open one")
    assert ds.name == "one" and api.active_dataset().name == "one"


def test_public_api_matches_the_magic(tmp_path):
    ds = synthtalk_jupyter.generate(SHOP, "plain", rows=15, seed=5)
    assert ds.tables == ["customer", "orders"] and ds.validate().ok


def test_modify_line_form_with_quoted_sql_then_undo(ip):
    ip.run_cell_magic("ddl_generate", "mod --rows 30 --seed 1", SHOP)
    change = ip.run_line_magic("ddl_modify", "mod.orders --sql \"UPDATE orders SET status = 'paid'\"")
    assert change is not None
    df = api.open_dataset("mod").df("orders")
    assert set(df["status"]) == {"paid"}
    with capture_output():
        ip.run_line_magic("ddl_modify", "--undo mod")
    assert set(api.open_dataset("mod").df("orders")["status"]) != {"paid"}


def test_modify_that_breaks_a_check_is_rolled_back_with_the_constraint_named(ip):
    ip.run_cell_magic("ddl_generate", "chk --rows 30 --seed 1", SHOP)
    before = api.open_dataset("chk").df("orders")
    with capture_output() as cap:
        out = ip.run_cell_magic("ddl_modify", "chk.orders --sql", "UPDATE orders SET total = -5")
    assert out is None
    text = html_of(cap)
    assert "Change not applied" in text and "total" in text
    assert api.open_dataset("chk").df("orders").equals(before)


def test_a_question_may_end_with_a_question_mark(ip):
    """IPython reads a trailing ? as a help request; %chat questions must still work."""
    ip.run_cell_magic("ddl_generate", "qm --rows 12 --seed 1", SHOP)
    res = ip.run_cell("r = %chat --sql SELECT count(*) AS n FROM orders -- how many?")
    assert res.success
    r = ip.user_ns["r"]
    assert int(r.df["n"][0]) == 12
    # without assignment, the result lands in Out / _ as usual
    ip.run_cell("%chat --sql SELECT 1 AS one -- one?", store_history=True)
    assert int(ip.user_ns["_"].df["one"][0]) == 1
    # the transform leaves other lines alone
    from synthtalk_jupyter.magics import keep_question_marks
    assert keep_question_marks(["x = 1\n", "%%chat what?\n"]) == ["x = 1\n", "%%chat what?\n"]
