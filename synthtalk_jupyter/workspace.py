"""Which store a session works in: one file shared by every kernel, or a private store per visitor.

Settings (environment variables, read when the session first needs its store)
------------------------------------------------------------------------------
``SYNTHTALK_MODE``
    ``shared`` (the default in notebooks, magics and scripts): every kernel works in the store file
    ``SYNTHTALK_STORE`` (default ``./synthtalk.duckdb``). Several kernels can generate, modify, list and
    query in it at the same time (:mod:`synthtalk_jupyter.store` holds the file only for the length of
    one operation and retries while another kernel has it).

    ``isolated`` (the default of the published app, ``notebooks/dashboard.ipynb`` and
    ``synthtalk dashboard``): each kernel, i.e. each Voilà visitor, gets a private store in a temporary
    directory of its own, deleted when the kernel ends. Nothing one visitor generates, uploads or changes
    is visible to another.
``SYNTHTALK_EXAMPLES_STORE``
    In ``isolated`` mode: a store file holding the example datasets offered to every visitor
    (``synthtalk dashboard`` generates ``shop`` into it before starting Voilà). Unset: the file named by
    ``SYNTHTALK_STORE``, if it exists, serves as the examples (so a launcher that pre-generates into
    ``SYNTHTALK_STORE`` keeps working). The file is only ever opened read-only by the app's kernels.

Why examples are copied, not shared
-----------------------------------
At session start the example datasets are copied into the visitor's private store (``ATTACH ...
(READ_ONLY)`` and ``CREATE TABLE AS``, an in-engine copy taking milliseconds for the example's few
thousand rows); afterwards the kernel never touches the examples file again. The alternative, a
read-only view of the shared file kept open by every kernel, was rejected:

* DuckDB allows many read-only openers of a file only while nobody has it open for writing, so the
  examples could then never be refreshed while any visitor is connected, and every kernel's
  catalogue would span two stores (listing, opening, the active dataset, undo, exports, the chat
  sandbox all would need to know which store a name lives in);
* copy-on-write comes for free: a visitor who opens ``shop`` and modifies it changes their own copy,
  validated and versioned like any dataset; the shared file cannot be written by any visitor;
* the whole product (dashboard, magics, API) keeps working against exactly one ordinary store.

The price is one copy of the examples per visitor (disk in the temp dir, released with the kernel),
which is right for small example datasets; large reference data should not be shipped this way.

A store that cannot be used
---------------------------
If the store cannot be opened at all (unwritable or missing directory, a file that is not a DuckDB
database, ...), the session falls back to an in-memory store and a one-time notice says why
(:func:`take_notices`; the magics and the dashboard show it once). A store that is merely *busy*
(another kernel writing) is not a failure: operations wait for it.
"""

from __future__ import annotations

import atexit
import datetime as _dt
import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .errors import StoreError
from .store import ENV_VAR as STORE_ENV
from .store import META, Store, _is_busy, _sql_string, quote_ident, qualified, transaction

MODE_ENV = "SYNTHTALK_MODE"
EXAMPLES_ENV = "SYNTHTALK_EXAMPLES_STORE"
MODES = ("shared", "isolated")
DEFAULT_MODE = "shared"  # notebooks, magics, scripts
APP_MODE = "isolated"  # the published app
_ALIAS = "_synthtalk_examples"

_NOTICES: list[str] = []
_LOCK = threading.Lock()


@dataclass
class Workspace:
    """The store a session uses and how it was chosen."""

    store: Store
    mode: str  # shared | isolated | memory (fallback)
    examples: list[str] = field(default_factory=list)  # example datasets copied in (isolated mode)
    notices: list[str] = field(default_factory=list)
    private_dir: str | None = None  # isolated mode: the visitor's temp dir

    @property
    def fallback(self) -> bool:
        return self.mode == "memory"


# --------------------------------------------------------------------------- notices
def _notify(message: str) -> None:
    with _LOCK:
        if message not in _NOTICES:
            _NOTICES.append(message)


def take_notices() -> list[str]:
    """The pending notices about the session's store (each is returned once)."""
    with _LOCK:
        out = list(_NOTICES)
        _NOTICES.clear()
    return out


# --------------------------------------------------------------------------- settings
def mode_setting(default: str = DEFAULT_MODE) -> str:
    """``SYNTHTALK_MODE`` (``shared`` / ``isolated``), else ``default``."""
    raw = (os.environ.get(MODE_ENV) or "").strip().lower()
    if not raw:
        return default
    if raw not in MODES:
        _notify(f"{MODE_ENV}={raw!r} is not a mode (use shared or isolated); using {default}.")
        return default
    return raw


def examples_path() -> str | None:
    """The examples store file for isolated sessions (see the module doc), or None."""
    p = os.environ.get(EXAMPLES_ENV) or os.environ.get(STORE_ENV)
    return str(Path(p).expanduser().resolve()) if p else None


# --------------------------------------------------------------------------- probing
def check_store(store: Store, probe_timeout: float = 3.0) -> str | None:
    """Why ``store`` cannot be used at all, or None when it can (a busy store can be used: it waits)."""
    if store.memory:
        return None
    path = Path(store.path)
    probe = Store(store.path, timeout=probe_timeout)
    try:
        if path.exists():
            if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
                return (f"The store {path} is not writable here (file or directory permissions); "
                        f"set {STORE_ENV} to a writable path.")
            with probe.connect(read_only=True) as con:
                con.execute("SELECT 1").fetchall()
        else:
            if not path.parent.is_dir():
                return f"The store {path} cannot be created: the directory {path.parent} does not exist."
            with probe.connect() as con:  # creates the file and its metadata
                con.execute("SELECT 1").fetchall()
    except StoreError as e:
        msg = str(e)
        if " is busy" in msg:
            return None
        return msg
    except OSError as e:
        return f"The store {path} cannot be opened: {e}"
    return None


def usable_store(store: Store | str | os.PathLike | None) -> Workspace:
    """``store`` if it can be opened, else an in-memory store and a one-time notice."""
    st = store if isinstance(store, Store) else None
    try:
        st = st or Store(store)
    except StoreError as e:
        return _fallback(str(e), getattr(store, "path", store))
    problem = check_store(st)
    if problem:
        return _fallback(problem, st.path)
    return Workspace(st, "shared")


def _fallback(problem: str, path) -> Workspace:
    msg = (f"{problem}\nThis session keeps working in memory: datasets you create now last until the "
           f"kernel stops (export them to keep them).")
    _notify(msg)
    return Workspace(Store(":memory:"), "memory", notices=[msg])


# --------------------------------------------------------------------------- isolated sessions
_PREFIX = "synthtalk-visitor-"


def _sweep_orphans(base: Path) -> None:
    """Remove private stores of kernels that are gone (killed before their exit handler ran)."""
    for d in base.glob(_PREFIX + "*"):
        try:
            pid = int(d.name[len(_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(d, True)
        except OSError:  # exists, not ours to signal
            pass


def private_store() -> tuple[Store, str]:
    """A fresh store in a temp directory of its own, removed when the process ends (or, if the
    process is killed, by the next session that starts)."""
    base = Path(tempfile.gettempdir())
    _sweep_orphans(base)
    d = tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=base)
    atexit.register(shutil.rmtree, d, True)
    return Store(Path(d) / "workspace.duckdb"), d


def copy_datasets(source: str | os.PathLike, target: Store, names: list[str] | None = None,
                  timeout: float = 15.0) -> list[str]:
    """Copy datasets (all, or ``names``) from the store file ``source``, opened read-only, into
    ``target`` (replacing same-named ones). Returns the names copied. The copies start a fresh
    history (one ``generate`` version); the source is never written."""
    src = Path(source).expanduser().resolve()
    if not src.exists():
        raise StoreError(f"The examples store {src} does not exist")
    if not target.memory and Path(target.path) == src:
        raise StoreError("internal: copying a store into itself")
    copied: list[str] = []
    with target.connect() as con:
        deadline = time.monotonic() + timeout
        while True:
            try:
                con.execute(f"ATTACH {_sql_string(str(src))} AS {_ALIAS} (READ_ONLY)")
                break
            except duckdb.Error as e:
                if _is_busy(e) and time.monotonic() < deadline:
                    time.sleep(0.1)
                    continue
                raise StoreError(f"The examples store {src} cannot be opened read-only: "
                                 f"{str(e).splitlines()[0]}") from None
        try:
            has_meta = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND "
                                   "schema_name = ? AND table_name = 'datasets'", [_ALIAS, META]).fetchone()[0]
            if not has_meta:
                return []
            rows = con.execute(f"SELECT name, tables, version FROM {_ALIAS}.{META}.datasets ORDER BY lower(name)"
                               ).fetchall()
            wanted = {n.lower() for n in names} if names is not None else None
            now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
            with transaction(con):
                for name, tables, version in rows:
                    if wanted is not None and name.lower() not in wanted:
                        continue
                    con.execute(f"DROP SCHEMA IF EXISTS {quote_ident(name)} CASCADE")
                    con.execute(f"CREATE SCHEMA {quote_ident(name)}")
                    for t in json.loads(tables or "[]"):
                        con.execute(f"CREATE TABLE {qualified(name, t)} AS "
                                    f"SELECT * FROM {_ALIAS}.{qualified(name, t)}")
                    con.execute(f"DELETE FROM {META}.datasets WHERE lower(name) = lower(?)", [name])
                    con.execute(f"DELETE FROM {META}.versions WHERE lower(dataset) = lower(?)", [name])
                    con.execute(f"INSERT INTO {META}.datasets BY NAME SELECT * FROM {_ALIAS}.{META}.datasets "
                                f"WHERE name = ?", [name])
                    con.execute(f"INSERT INTO {META}.versions VALUES (?, ?, ?, 'generate', ?)",
                                [name, int(version or 1), now, json.dumps({"copied_from": str(src)})])
                    copied.append(name)
                if copied:
                    con.execute(f"INSERT OR IGNORE INTO {META}.state VALUES ('active', ?)", [copied[0]])
        except duckdb.Error as e:
            raise StoreError(f"Copying the example datasets from {src} failed: {str(e).splitlines()[0]}") from None
        finally:
            try:
                con.execute(f"DETACH {_ALIAS}")
            except duckdb.Error:
                pass
    return copied


def isolated_workspace(examples: str | os.PathLike | None = None) -> Workspace:
    """A private store for this session, with the example datasets copied in."""
    try:
        store, d = private_store()
    except OSError as e:
        return _fallback(f"No private store could be created in {tempfile.gettempdir()}: {e}", None)
    ws = usable_store(store)
    if ws.fallback:
        shutil.rmtree(d, True)
    else:
        ws.mode, ws.private_dir = "isolated", d
    src = str(examples) if examples is not None else examples_path()
    if src and Path(src).exists():
        try:
            ws.examples = copy_datasets(src, ws.store)
        except StoreError as e:
            msg = f"The example datasets are not available in this session: {e}"
            _notify(msg)
            ws.notices.append(msg)
    return ws


# --------------------------------------------------------------------------- entry points
def open_workspace(mode: str | None = None, *, default_mode: str = DEFAULT_MODE,
                   store: str | os.PathLike | None = None,
                   examples: str | os.PathLike | None = None) -> Workspace:
    """The session's workspace for ``mode`` (default: ``SYNTHTALK_MODE``, else ``default_mode``)."""
    mode = (mode or mode_setting(default_mode)).lower()
    if mode not in MODES:
        raise StoreError(f"Unknown workspace mode {mode!r}: use shared or isolated")
    if mode == "isolated":
        return isolated_workspace(examples)
    return usable_store(store)


def app_workspace() -> Workspace:
    """For the published app: isolated unless ``SYNTHTALK_MODE=shared``; makes it the API's store
    (the dashboard, magics and API calls of this kernel all use it)."""
    from . import api

    ws = open_workspace(default_mode=APP_MODE)
    api.set_store(ws.store)
    return ws


__all__ = ["Workspace", "MODE_ENV", "EXAMPLES_ENV", "open_workspace", "app_workspace", "copy_datasets",
           "check_store", "take_notices", "mode_setting", "examples_path"]
