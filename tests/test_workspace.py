"""Store selection (issue 6, parts 2 and 3): shared vs isolated sessions, examples copied read-only,
and a store that cannot be opened (the session goes on in memory, told once)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from synthtalk_jupyter import api, workspace
from synthtalk_jupyter.store import Store

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "synthtalk_jupyter" / "examples" / "shop.sql"
SMALL = "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL CHECK (v BETWEEN 0 AND 9));"


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for var in (workspace.MODE_ENV, workspace.EXAMPLES_ENV, "SYNTHTALK_STORE"):
        monkeypatch.delenv(var, raising=False)
    workspace.take_notices()
    old = api._store
    api._store = None
    yield
    api._store = old
    workspace.take_notices()


@pytest.fixture(scope="module")
def examples_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("examples") / "examples.duckdb"
    api.generate(file=EXAMPLE, name="shop", rows=40, seed=42, store=Store(path), progress=False)
    return path


def _fingerprint(path: Path) -> tuple:
    st = Store(path)
    info = st.info("shop")
    from synthtalk_jupyter.dataset import Dataset

    return info.version, info.row_counts, int(Dataset("shop", st).df("products")["stock"].sum())


# --------------------------------------------------------------------------- modes
def test_shared_is_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTHTALK_STORE", str(tmp_path / "s.duckdb"))
    st = api.get_store()
    assert st.path == str(tmp_path / "s.duckdb") and not st.memory
    assert api.take_store_notices() == []


def test_isolated_sessions_are_private_and_see_the_examples(examples_file, monkeypatch):
    monkeypatch.setenv(workspace.MODE_ENV, "isolated")
    monkeypatch.setenv(workspace.EXAMPLES_ENV, str(examples_file))
    before = _fingerprint(examples_file)
    a = workspace.open_workspace()
    b = workspace.open_workspace()
    assert a.mode == b.mode == "isolated" and a.store.path != b.store.path
    assert a.examples == b.examples == ["shop"]
    assert Path(a.private_dir) in Path(a.store.path).parents and tempfile.gettempdir() in a.private_dir

    # a visitor's own dataset is invisible to the other
    api.generate(SMALL, "mine", rows=10, store=a.store, progress=False)
    assert api.list_datasets(a.store) == ["mine", "shop"]
    assert api.list_datasets(b.store) == ["shop"]

    # the example is a complete, valid dataset; changing it changes the visitor's copy only
    shop = api.open_dataset("shop", store=a.store)
    assert shop.validate().ok and shop.row_counts == Store(examples_file).info("shop").row_counts
    shop.modify("products", sql="UPDATE products SET stock = stock + 100")
    assert shop.undo() and shop.modify("products", sql="UPDATE products SET stock = stock + 7")
    assert [v.action for v in shop.history()] == ["generate", "modify", "undo", "modify"]
    assert _fingerprint(examples_file) == before
    assert api.open_dataset("shop", store=b.store).df("products")["stock"].sum() == before[2]


def test_app_workspace_defaults_to_isolation(examples_file, monkeypatch):
    monkeypatch.setenv("SYNTHTALK_STORE", str(examples_file))  # a launcher that pre-generated here
    ws = workspace.app_workspace()
    assert ws.mode == "isolated" and api.get_store() is ws.store
    assert ws.examples == ["shop"] and ws.store.path != str(examples_file)
    monkeypatch.setenv(workspace.MODE_ENV, "shared")
    ws = workspace.app_workspace()
    assert ws.mode == "shared" and ws.store.path == str(examples_file)


def test_isolated_without_examples_and_bad_mode(monkeypatch):
    monkeypatch.setenv(workspace.MODE_ENV, "sometimes")
    ws = workspace.open_workspace()
    assert ws.mode == "shared"
    assert "not a mode" in api.take_store_notices()[0]
    monkeypatch.setenv(workspace.MODE_ENV, "isolated")
    ws = workspace.open_workspace()
    assert ws.mode == "isolated" and ws.examples == [] and api.list_datasets(ws.store) == []


def test_examples_read_by_several_processes_at_once(examples_file):
    """Kernels starting together all copy the examples (read-only openers share the file)."""
    code = ("import sys; from synthtalk_jupyter import workspace as w; "
            "ws = w.open_workspace('isolated', examples=sys.argv[1]); print(ws.examples, ws.notices)")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(examples_file)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert all(o.strip() == "['shop'] []" for o, _ in outs), outs


# --------------------------------------------------------------------------- unusable stores
def test_corrupt_store_falls_back_to_memory_with_one_notice(tmp_path, monkeypatch):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database\n" * 200)
    monkeypatch.setenv("SYNTHTALK_STORE", str(bad))
    st = api.get_store()
    assert st.memory
    notes = api.take_store_notices()
    assert len(notes) == 1 and "not a valid DuckDB database" in notes[0] and "in memory" in notes[0]
    assert api.take_store_notices() == []  # once
    ds = api.generate(SMALL, "t", rows=20, progress=False)  # the product keeps working
    assert ds.validate().ok and api.list_datasets() == ["t"]
    assert bad.read_bytes().startswith(b"this is not")


def test_missing_directory_falls_back(tmp_path):
    api.set_store(tmp_path / "no" / "such" / "dir" / "s.duckdb")
    assert api.get_store().memory
    assert "does not exist" in api.take_store_notices()[0]


def _as_nobody():
    """preexec_fn running the child as an unprivileged user (root ignores file permissions)."""
    if os.geteuid() != 0:
        return None

    def drop():
        os.setgid(65534)
        os.setuid(65534)
    return drop


@pytest.mark.parametrize("existing", [False, True])
def test_read_only_directory_falls_back(existing):
    d = Path(tempfile.mkdtemp(prefix="synthtalk-ro-"))
    try:
        path = d / "store.duckdb"
        if existing:
            api.generate(SMALL, "kept", rows=5, store=Store(path), progress=False)
            path.chmod(0o444)
        d.chmod(0o555)
        code = ("from synthtalk_jupyter import api; st = api.get_store(); n = api.take_store_notices(); "
                "ds = api.generate('" + SMALL + "', 'x', rows=5, progress=False); "
                "print(st.memory, len(n), ds.validate().ok); print(n[0])")
        env = dict(os.environ, SYNTHTALK_STORE=str(path), HOME=tempfile.gettempdir())
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                           cwd=tempfile.gettempdir(), preexec_fn=_as_nobody())
        assert p.returncode == 0, p.stderr
        first, notice = p.stdout.splitlines()[:2]
        assert first == "True 1 True", p.stdout
        assert str(path) in notice and ("not writable" in notice or "permission" in notice.lower())
    finally:
        d.chmod(0o755)
        for f in d.iterdir():
            f.unlink()
        d.rmdir()


def test_magics_show_the_notice_once(tmp_path, monkeypatch):
    from IPython.testing.globalipapp import get_ipython
    from IPython.utils.capture import capture_output

    shell = get_ipython()
    shell.display_formatter.active_types = ["text/plain", "text/html"]
    shell.display_formatter.formatters["text/html"].enabled = True
    shell.run_line_magic("load_ext", "synthtalk_jupyter")
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"garbage" * 500)
    monkeypatch.setenv("SYNTHTALK_STORE", str(bad))

    def html(cell: str) -> str:
        with capture_output() as cap:
            shell.run_cell_magic("ddl_generate", "t --rows 5 --quiet", cell)
        return "".join(o.data.get("text/html", "") for o in cap.outputs)

    first = html(SMALL)
    assert "not a valid DuckDB database" in first and "in memory" in first
    assert "not a valid DuckDB database" not in html(SMALL)
    assert api.get_store().memory and api.list_datasets() == ["t"]


def test_private_stores_are_removed(examples_file):
    """At exit, and (for a killed kernel) by the next session that starts."""
    code = ("import sys; from synthtalk_jupyter import workspace as w; "
            "ws = w.open_workspace('isolated', examples=sys.argv[1]); print(ws.private_dir, flush=True); "
            "import os; os._exit(0) if sys.argv[2] == 'kill' else None")
    out = subprocess.run([sys.executable, "-c", code, str(examples_file), "exit"], capture_output=True, text=True,
                         timeout=120, check=True).stdout.strip()
    assert not Path(out).exists()
    out = subprocess.run([sys.executable, "-c", code, str(examples_file), "kill"], capture_output=True, text=True,
                         timeout=120, check=True).stdout.strip()
    assert Path(out).exists()  # no exit handler ran
    ws = workspace.open_workspace("isolated", examples=examples_file)
    assert not Path(out).exists() and Path(ws.private_dir).exists()
