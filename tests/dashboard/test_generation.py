"""Data Generation page, in process: real generate/store/validate/exports, buttons clicked."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path

import ipywidgets as w
import pytest

from synthtalk_jupyter.dashboard import dashboard
from synthtalk_jupyter.dashboard.generation_tab import EXAMPLE

from tests.dashboard.dashboard_helpers import all_html, assert_no_traceback, walk

TABLES = ["customers", "products", "orders", "order_items"]


def links(html: str) -> dict[str, bytes]:
    """download file name -> bytes, from the data-URI anchors in the downloads HTML."""
    out = {}
    for m in re.finditer(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', html):
        out[m.group(1)] = base64.b64decode(m.group(2))
    return out


def generate(app, rows="60", seed="7"):
    g = app.generation
    g.rows.value = rows
    g.seed.value = seed
    g.generate_button.click()
    g.wait()
    return g


def test_layout_header_sidebar_pages(store, clean_settings):
    app = dashboard(store=store)
    assert "st-app" in app._dom_classes
    text = all_html(app)
    assert "SynthTalk" in text and "<style>" in text
    assert [b.description for b in app.nav.values()] == ["Data Generation", "Talk to your data", "Settings"]
    assert app.page == "generation"
    app.nav["talk"].click()
    assert app.page == "talk" and app.stack.selected_index == 1
    assert "st-active" in app.nav["talk"]._dom_classes and "st-active" not in app.nav["generation"]._dom_classes
    app.nav["settings"].click()
    assert app.page == "settings"
    # the example schema is ready to try
    assert "CREATE TABLE customers" in app.generation.ddl.value
    assert_no_traceback(app)


def test_generate_example_previews_validation_progress(store, clean_settings):
    app = dashboard(store=store)
    g = generate(app)
    assert g.dataset is not None and g.dataset.name == "shop"
    assert list(g.tables_tab.titles) == TABLES
    assert g.results.layout.display == "flex"
    for t in TABLES:
        panel = g.panels[t]
        assert "<table" in panel.preview.value and "<th>" in panel.preview.value
        assert "60 rows" in panel.stats.value and "valid" in panel.stats.value
    assert "0 violations" in g.summary.value
    assert g.progress.value == g.progress.max and g.progress.max >= 4 * 60
    assert "Generated" in g.progress_label.value
    # the talk page now lists the dataset and the header names it
    assert app.talk.dataset.value == "shop"
    assert "shop" in app.header_chips.value
    assert "shop" in g.stored.options
    assert_no_traceback(app)


def test_downloads_zip_sql_csv(store, clean_settings):
    app = dashboard(store=store)
    g = generate(app, rows="25")
    files = links(g.downloads.value)
    assert "shop.zip" in files and "shop_inserts.sql" in files, re.sub(r"base64,[^\"]+", "", g.downloads.value)
    for t in TABLES:
        assert f"{t}.csv" in files
        header = files[f"{t}.csv"].decode().splitlines()[0]
        assert "," in header
    names = zipfile.ZipFile(io.BytesIO(files["shop.zip"])).namelist()
    for t in TABLES:
        assert any(n.endswith(f"{t}.csv") for n in names), names
    assert b"INSERT INTO" in files["shop_inserts.sql"].upper()
    assert len(files["customers.csv"].decode().strip().splitlines()) == 26  # header + 25 rows


def upload(g, name: str, data: bytes):
    g.upload.set_state({"value": [{"name": name, "type": "text/plain", "size": len(data),
                                   "content": memoryview(data), "last_modified": 0}]})


def test_upload_file_fills_ddl_and_name(store, clean_settings):
    app = dashboard(store=store, example=False)
    g = app.generation
    ddl = b"CREATE TABLE team (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE);\n" \
          b"CREATE TABLE player (id INT PRIMARY KEY, team_id INT NOT NULL REFERENCES team(id), " \
          b"age INT CHECK (age BETWEEN 16 AND 45));\n"
    upload(g, "My League.sql", ddl)
    assert "CREATE TABLE player" in g.ddl.value
    assert g.name.value == "my_league"
    assert "My League.sql" in g.file_info.value
    generate(app, rows="30")
    assert list(g.tables_tab.titles) == ["team", "player"]
    assert g.dataset.name == "my_league"
    assert "30 rows" in g.panels["player"].stats.value


def test_upload_binary_file_is_a_readable_error(store, clean_settings):
    app = dashboard(store=store, example=False)
    g = app.generation
    upload(g, "image.sql", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    assert "binary" in g.status.value and "st-notice error" in g.status.value
    assert g.ddl.value == ""
    assert_no_traceback(app)


@pytest.mark.parametrize("ddl, expected", [
    ("", "No schema yet"),
    ("hello, this is not SQL at all", "Generation failed"),
    ("CREATE TABLE a (id INT PRIMARY KEY, b_id INT REFERENCES missing(id));", "missing"),
])
def test_errors_are_messages_not_tracebacks(store, clean_settings, ddl, expected):
    app = dashboard(store=store, example=False)
    g = app.generation
    g.ddl.value = ddl
    g.generate_button.click()
    g.wait()
    assert expected in g.status.value, g.status.value
    assert "st-notice error" in g.status.value
    assert g.dataset is None
    assert not g.generate_button.disabled  # usable again
    assert_no_traceback(app)


def test_bad_parameters(store, clean_settings):
    app = dashboard(store=store)
    g = app.generation
    g.seed.value = "abc"
    g.generate_button.click()
    g.wait()
    assert "seed" in g.status.value and g.dataset is None
    g.seed.value = ""
    g.rows.value = "orders=ten"
    g.generate_button.click()
    g.wait()
    assert "st-notice error" in g.status.value and g.dataset is None


def test_reopen_stored_dataset(store, clean_settings):
    first = dashboard(store=store)
    generate(first, rows="20")
    second = dashboard(store=store, example=False)
    g = second.generation
    g.wait()  # the active dataset opens by itself
    assert g.dataset is not None and g.dataset.name == "shop"
    assert second.talk.dataset.value == "shop" and "shop" in second.header_chips.value
    assert "shop" in g.stored.options
    g.dataset = None
    g.stored.value = "shop"
    g.open_button.click()
    g.wait()
    assert g.dataset is not None and g.dataset.name == "shop"
    assert list(g.tables_tab.titles) == TABLES
    assert "20 rows" in g.panels["orders"].stats.value


def test_per_table_rows(store, clean_settings):
    app = dashboard(store=store)
    g = generate(app, rows="orders=80,*=15")
    assert "80 rows" in g.panels["orders"].stats.value
    assert "15 rows" in g.panels["customers"].stats.value


def test_modify_table_with_sql_then_undo_and_history(store, clean_settings):
    app = dashboard(store=store)
    g = generate(app, rows="40")
    panel = g.panels["products"]
    panel.mode.value = "SQL"
    panel.instruction.value = "UPDATE products SET stock = 0 WHERE category = 'Tents'"
    panel.submit.click()
    g.wait()
    assert "st-notice success" in panel.message.value, panel.message.value
    df = g.dataset.df("products")
    assert (df.loc[df["category"] == "Tents", "stock"] == 0).all()
    assert "valid" in panel.stats.value
    panel.history.click()
    g.wait()
    assert "UPDATE" in panel.history_box.value
    panel.undo.click()
    g.wait()
    assert "Restored" in panel.message.value
    # a change that breaks a CHECK is rejected with the constraint named, data unchanged
    before = g.dataset.df("products")["price"].tolist()
    panel.instruction.value = "UPDATE products SET price = -1"
    panel.submit.click()
    g.wait()
    assert "st-notice error" in panel.message.value and "CHECK" in panel.message.value
    assert g.dataset.df("products")["price"].tolist() == before
    assert_no_traceback(app)


def test_modify_needs_text(store, clean_settings):
    app = dashboard(store=store)
    g = generate(app, rows="10")
    panel = g.panels["orders"]
    panel.instruction.value = "   "
    panel.submit.click()
    g.wait()
    assert "Type an instruction" in panel.message.value


def test_settings_key_is_a_password_never_sent_to_the_page(store, clean_settings, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-123456")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("SYNTHTALK_MODEL", "my-model")
    clean_settings.set_settings(None)
    app = dashboard(store=store)
    s = app.settings
    assert isinstance(s.api_key, w.Password)
    assert s.api_key.value == ""  # never prefilled: the browser never receives the key
    assert s.base_url.value == "http://127.0.0.1:9/v1" and s.model.value == "my-model"
    assert "a key is set" in s.api_key.placeholder
    every_value = " ".join(str(getattr(x, "value", "")) + str(getattr(x, "placeholder", "")) for x in walk(app))
    assert "sk-secret" not in every_value
    s.model.value = "other-model"
    s.api_key.value = "sk-new-key"
    s.save_button.click()
    cfg = clean_settings.get_settings()
    assert cfg.model == "other-model" and cfg.api_key == "sk-new-key"
    assert s.api_key.value == ""
    assert "sk-new" not in all_html(app)
    assert "other-model" in app.header_chips.value


def test_modify_table_by_instruction_with_the_model(store, clean_settings, monkeypatch):
    import json

    from tests.fakes.openai_server import FakeOpenAI

    app = dashboard(store=store)
    g = generate(app, rows="30")
    with FakeOpenAI() as llm:
        monkeypatch.setenv("OPENAI_BASE_URL", llm.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("SYNTHTALK_MAX_RETRIES", "0")
        clean_settings.set_settings(None)
        llm.add(json.dumps({"statements": ["UPDATE customers SET loyalty_tier = 'gold' WHERE customer_id <= 5"],
                            "explanation": "The first five customers are now gold."}))
        panel = g.panels["customers"]
        panel.instruction.value = "make the first five customers gold members"
        panel.submit.click()
        g.wait()
    assert "st-notice success" in panel.message.value, panel.message.value
    assert "first five customers are now gold" in panel.message.value
    assert "loyalty_tier" in panel.message.value  # the SQL that ran is shown
    df = g.dataset.df("customers")
    assert (df.loc[df["customer_id"] <= 5, "loyalty_tier"] == "gold").all()
    panel.history.click()
    g.wait()
    assert "make the first five customers gold" in panel.history_box.value
    assert panel.instruction.value == ""


def test_large_dataset_downloads_on_request(store, clean_settings, monkeypatch):
    from synthtalk_jupyter.dashboard import generation_tab

    monkeypatch.setattr(generation_tab, "AUTO_DOWNLOAD_ROWS", 50)
    app = dashboard(store=store)
    g = generate(app, rows="20")  # 80 rows > 50: not built automatically
    assert links(g.downloads.value) == {}
    assert g.prepare_button.layout.display == "flex" and "built when you ask" in g.downloads.value
    g.prepare_button.click()
    g.wait()
    files = links(g.downloads.value)
    assert "shop.zip" in files and "orders.csv" in files
    assert g.prepare_button.layout.display == "none"


def test_store_notices_shown_once(store, clean_settings):
    from synthtalk_jupyter import workspace

    workspace._notify("The store /readonly/x.duckdb cannot be opened: working in memory for this session.")
    app = dashboard(store=store)
    assert "working in memory" in app.banner.value and "st-notice warning" in app.banner.value
    assert dashboard(store=store).banner.value == ""  # once
