"""Both shipped notebooks run top to bottom in a real kernel (nbclient), with no error output."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.fakes.openai_server import FakeOpenAI, Reply, ToolCall

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.setenv("SYNTHTALK_STORE", str(tmp_path / "store.duckdb"))
    monkeypatch.setenv("LANGFUSE_TRACING_ENABLED", "false")
    monkeypatch.setenv("SYNTHTALK_ENV_FILE", os.devnull)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


def run(path: Path, cwd: Path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield cell, cell.get("outputs", [])


def assert_clean(nb):
    for cell, outs in outputs(nb):
        for o in outs:
            assert o["output_type"] != "error", (cell.source, o.get("evalue"))
            if o["output_type"] == "stream" and o["name"] == "stderr":
                text = o["text"]
                # a tqdm bar on stderr is fine; warnings and tracebacks are not
                assert "Traceback" not in text and "Warning" not in text, (cell.source, text)


def test_dashboard_notebook(kernel_env):
    nb = run(NOTEBOOKS / "dashboard.ipynb", kernel_env)
    assert len(nb.cells) == 1 and len(nb.cells[0].source.splitlines()) <= 6  # one small cell
    assert_clean(nb)
    data = [o.get("data", {}) for _, outs in outputs(nb) for o in outs if o["output_type"] == "execute_result"]
    assert any(WIDGET_MIME in d for d in data), data


def test_quickstart_notebook(kernel_env, monkeypatch):
    with FakeOpenAI() as llm:
        monkeypatch.setenv("OPENAI_BASE_URL", llm.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("SYNTHTALK_MODEL", "fake-model")
        monkeypatch.setenv("SYNTHTALK_MAX_RETRIES", "0")
        llm.add(ToolCall("run_sql", {"sql": "SELECT c.first_name, c.last_name, sum(o.total_amount) AS spent "
                                            "FROM customers c JOIN orders o USING (customer_id) "
                                            "GROUP BY 1, 2 ORDER BY spent DESC LIMIT 5"}),
                Reply("These five customers spent the most."))
        nb = run(NOTEBOOKS / "quickstart.ipynb", kernel_env)
    assert_clean(nb)
    text = "\n".join(str(o) for _, outs in outputs(nb) for o in outs)
    assert "five customers spent the most" in text
    sources = "\n".join(c.source for c, _ in outputs(nb))
    for needle in ("%load_ext synthtalk_jupyter", "%%ddl_generate shop --rows 500 --seed 42", "ds = _",
                   "ds.validate()", "%chat --sql", "to_zip"):
        assert needle in sources
    exported = sorted(p.name for p in (kernel_env / "export").rglob("*") if p.is_file())
    for t in ("customers.csv", "products.csv", "orders.csv", "order_items.csv", "shop.zip", "shop_inserts.sql"):
        assert t in exported, exported
