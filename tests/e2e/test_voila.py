"""End to end: the published app (real Voilà server, real kernel) driven by Playwright and
Debian's Chromium, answering questions through a fake OpenAI-compatible server on 127.0.0.1.

Screenshots of both pages go to ``test-artifacts/``. Missing Chromium or Playwright skips this
test locally and FAILS it under ``CI=true``.
"""

from __future__ import annotations

import io
import re
import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from tests.fakes.openai_server import Drip, FakeOpenAI, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
EXAMPLE = REPO / "synthtalk_jupyter" / "examples" / "shop.sql"
TABLES = ["customers", "products", "orders", "order_items"]
SQL = "SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC"
ANSWER = ("Most orders are delivered, and only a small share is cancelled or returned. "
          "The bar chart shows the number of orders for every status, largest first.")


def _require_browser():
    problem = None
    if not Path(CHROMIUM).exists():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing (pip install playwright)"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser test cannot run: {problem}")
        pytest.skip(problem)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError("voila did not start listening")


@pytest.fixture
def llm():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def voila(tmp_path, llm):
    _require_browser()
    port = _free_port()
    log = open(tmp_path / "voila.log", "wb")
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
        "SYNTHTALK_STORE": str(tmp_path / "store.duckdb"),
        "OPENAI_BASE_URL": llm.base_url, "OPENAI_API_KEY": "test-key", "SYNTHTALK_MODEL": "fake-model",
        "SYNTHTALK_MAX_RETRIES": "0", "SYNTHTALK_TIMEOUT": "20", "LANGFUSE_TRACING_ENABLED": "false",
        "MPLBACKEND": "Agg", "SYNTHTALK_ENV_FILE": os.devnull,
    })
    # cwd = repo root: voila.json there raises the websocket message limit (uploads >= 20 MB)
    proc = subprocess.Popen([sys.executable, "-m", "voila", "notebooks/dashboard.ipynb", "--no-browser",
                             f"--port={port}", "--Voila.ip=127.0.0.1"], cwd=REPO, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        _wait_port(port, proc)
        yield f"http://127.0.0.1:{port}/", tmp_path / "voila.log"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _shot(page, name: str) -> Path:
    """Screenshot of the whole app (Voilà scrolls an inner container, so size the viewport to it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = page.evaluate("""() => {
        window.scrollTo(0, 0);
        for (let el = document.querySelector('.st-app'); el; el = el.parentElement) el.scrollTop = 0;
        const r = document.querySelector('.st-app').getBoundingClientRect();
        return Math.ceil(r.bottom + window.scrollY);
    }""")
    page.set_viewport_size({"width": 1440, "height": max(900, int(height) + 40)})
    time.sleep(0.4)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 1000})
    return path


def test_dashboard_in_voila(voila, llm, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, log_path = voila
    llm.add(ToolCall("run_sql", {"sql": SQL}),
            ToolCall("plot", {"kind": "bar", "x": "status", "y": "n", "title": "Orders by status"}),
            Drip(Reply(ANSWER, chunk=5), delay=0.04))
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            _run_flow(page, expect, url, tmp_path)
        except Exception:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "e2e-failure.png"), full_page=True)
            print("---- voila log ----\n" + log_path.read_text(errors="replace")[-6000:])
            print("---- page errors ----\n" + "\n".join(errors))
            raise
        finally:
            browser.close()


def _upload(page, files) -> None:
    """ipywidgets' FileUpload opens a detached <input type=file>: go through the file chooser."""
    with page.expect_file_chooser(timeout=20_000) as chooser:
        page.locator(".st-app .widget-upload").click()
    chooser.value.set_files(files)


def _run_flow(page, expect, url: str, tmp_path: Path) -> None:
    t0 = time.monotonic()
    page.goto(url)
    page.wait_for_selector(".st-app .st-generate", timeout=120_000)

    # ---- upload a DDL file (a copy of the example under another name)
    ddl_file = tmp_path / "outdoor_shop.sql"
    ddl_file.write_text(EXAMPLE.read_text())
    _upload(page, str(ddl_file))
    expect(page.locator(".st-app")).to_contain_text("Loaded outdoor_shop.sql", timeout=20_000)
    expect(page.locator(".st-name input")).to_have_value("outdoor_shop")
    page.fill(".st-rows input", "120")
    page.press(".st-rows input", "Tab")

    # ---- generate: progress, then one preview per table with its row count and validation status
    page.click(".st-generate")
    tabs = page.locator(".st-tables .lm-TabBar-tab")
    expect(tabs).to_have_count(len(TABLES), timeout=120_000)
    expect(page.locator(".st-results")).to_contain_text("0 violations")
    expect(page.locator(".st-app")).to_contain_text("Generated")
    expect(page.locator(".st-generate")).to_be_enabled(timeout=60_000)  # the whole job is done
    for i, table in enumerate(TABLES):
        tabs.nth(i).click()
        panel = page.locator(".st-table-panel:visible")
        expect(panel).to_have_count(1)
        expect(panel.locator(".st-summary")).to_contain_text(table)
        expect(panel.locator(".st-summary")).to_contain_text("120 rows")
        expect(panel.locator(".st-summary")).to_contain_text("valid")
        expect(panel.locator("table.stj-df tbody tr").first).to_be_visible()

    # ---- modify one table (SQL mode: no model needed), validated and versioned
    tabs.nth(1).click()
    panel = page.locator(".st-table-panel:visible")
    panel.locator(".st-mode button", has_text="SQL").click()
    panel.locator(".st-instruction textarea").fill("UPDATE products SET stock = 0 WHERE category = 'Tents'")
    panel.locator(".st-submit").click()
    expect(panel.locator(".st-notice.success")).to_contain_text("Change applied", timeout=60_000)
    expect(page.locator(".st-downloads a.st-dl.main")).to_be_visible(timeout=60_000)

    # ---- download the ZIP and check its contents (the modification included)
    with page.expect_download(timeout=60_000) as info:
        page.locator(".st-downloads a.st-dl.main").click()
    zpath = tmp_path / "download.zip"
    info.value.save_as(zpath)
    assert info.value.suggested_filename == "outdoor_shop.zip"
    with zipfile.ZipFile(zpath) as zf:
        names = zf.namelist()
        for t in TABLES:
            assert any(n.endswith(f"{t}.csv") for n in names), names
        products = next(n for n in names if n.endswith("products.csv"))
        import pandas as pd

        df = pd.read_csv(io.BytesIO(zf.read(products)))
    assert len(df) == 120 and (df.loc[df["category"] == "Tents", "stock"] == 0).all()
    shot_gen = _shot(page, "dashboard-generation.png")

    # ---- talk: ask, watch the answer stream in, then SQL, table and chart
    page.locator(".st-nav", has_text="Talk to your data").click()
    expect(page.locator(".st-talk select")).to_have_value("outdoor_shop")
    page.locator(".st-question textarea").fill("How many orders are there per status? Show a chart.")
    page.click(".st-send")
    bot = page.locator(".st-bubble-bot").last
    expect(bot.locator(".st-cursor")).to_be_visible(timeout=60_000)  # streaming, not yet complete
    partial = bot.locator(".st-answer").inner_text()
    assert 0 < len(partial) < len(ANSWER)
    expect(bot.locator(".st-answer")).to_contain_text("largest first", timeout=60_000)
    expect(bot.locator(".st-cursor")).to_have_count(0)
    expect(bot.locator(".st-sql textarea")).to_have_value(re.compile(r"select status, count\(\*\) as n from", re.IGNORECASE))
    expect(bot.locator("table.stj-df")).to_contain_text("delivered")
    chart = bot.locator("img.st-chart")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.naturalWidth") > 200
    expect(page.locator(".st-bubble-user").last).to_contain_text("per status")

    # ---- edit the SQL and re-run it (sandbox, no model)
    bot.locator(".st-sql textarea").fill("SELECT count(*) AS paid_orders FROM orders WHERE status = 'paid'")
    bot.locator(".st-rerun").click()
    expect(bot.locator("table.stj-df")).to_contain_text("paid_orders", timeout=30_000)
    expect(bot).to_contain_text("re-ran")
    shot_talk = _shot(page, "dashboard-talk.png")

    # ---- a 21 MB upload goes through (websocket limit raised by voila.json)
    page.locator(".st-nav", has_text="Data Generation").click()
    big = b"CREATE TABLE big (id INT PRIMARY KEY);\n" + b"-- " + b"x" * 120 + b"\n"
    payload = big * (21 * 1024 * 1024 // len(big))
    _upload(page, [{"name": "big.sql", "mimeType": "text/plain", "buffer": payload}])
    expect(page.locator(".st-app")).to_contain_text("Loaded big.sql", timeout=60_000)

    assert shot_gen.exists() and shot_talk.exists()
    assert time.monotonic() - t0 < 180
