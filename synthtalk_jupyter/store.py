"""The DuckDB store: named datasets in one persisted DuckDB file.

Layout of the file:

* one DuckDB schema per dataset (``"shop"."customer"`` ...), table names = ``Table.key``,
  column types mapped from :class:`~synthtalk_jupyter.schema.model.ColumnType` (no constraints:
  validity is checked by :mod:`synthtalk_jupyter.validate`, so later edits can be re-validated);
* a ``_synthtalk`` schema with the metadata: ``datasets`` (DDL source, dialect, options, spec,
  load order, row counts, notices, version, timestamps), ``versions`` (one row per change, for undo)
  and ``state`` (the active dataset, so a restarted kernel reopens it).

Connections are short-lived: ``with store.connect(read_only=...) as con:`` opens the file for one
operation and closes it afterwards, so several kernels can share the file (a busy file is retried
for ``timeout`` seconds, then a :class:`StoreError` explains who holds it). A save happens in one
DuckDB transaction (drop the old schema, create and fill the new one, update the metadata), so a
reader never sees a half-written dataset and a failure leaves the previous dataset intact.

Several kernels (processes) on one file: DuckDB lets one process open a file read-write, or several
read-only. Rows are therefore generated into a private staging file first (next to the store, else in
the temp dir) without holding the store; the store is then held only for the swap (``ATTACH`` the
staging file, copy at DuckDB speed, metadata, commit). Several threads of one process share one DuckDB
instance, in which two write transactions would conflict rather than wait, so writers of a process take
turns on a per-file lock. ``tests/test_concurrency.py`` runs three processes and three threads against
one file.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
import random
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pyarrow as pa

from .errors import StoreError
from .schema.model import Schema, Table
from .schema.storage_types import duckdb_type  # noqa: F401  (re-exported)

META = "_synthtalk"
FORMAT_VERSION = "1"
DEFAULT_PATH = "synthtalk.duckdb"
ENV_VAR = "SYNTHTALK_STORE"

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_SYSTEM_SCHEMAS = {"main", "temp", "system", "information_schema", "pg_catalog", "memory", META}

# per process: store path -> active dataset name
_ACTIVE: dict[str, str] = {}
_ACTIVE_LOCK = threading.Lock()
_INITIALISED: set[str] = set()
_RESERVED: set[str] | None = None
# per process: store path -> lock serialising writers. Connections to one file from several threads
# of a process share one DuckDB instance, where two write transactions conflict ("write-write
# conflict", duplicate keys in the metadata) instead of waiting: threads take turns here, other
# processes are kept out by the file lock.
_WRITE_LOCKS: dict[str, threading.RLock] = {}


def _write_lock(path: str) -> threading.RLock:
    with _ACTIVE_LOCK:
        return _WRITE_LOCKS.setdefault(path, threading.RLock())


# --------------------------------------------------------------------------------------------
# types
# --------------------------------------------------------------------------------------------

def quote_ident(name: str) -> str:
    """A DuckDB identifier, always quoted."""
    return '"' + name.replace('"', '""') + '"'


def qualified(db_schema: str, table: str) -> str:
    return f"{quote_ident(db_schema)}.{quote_ident(table)}"


def _reserved_words() -> set[str]:
    global _RESERVED
    if _RESERVED is None:
        con = duckdb.connect()
        try:
            _RESERVED = {r[0].lower() for r in con.execute(
                "SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category = 'reserved'").fetchall()}
        finally:
            con.close()
    return _RESERVED


def check_name(name: Any) -> str:
    """Validate a dataset name: an identifier (letter first, then letters, digits, ``_``; at most 63)."""
    if not isinstance(name, str) or not name:
        raise StoreError(f"A dataset name must be a non-empty string, got {name!r}")
    if not _NAME_RE.match(name):
        raise StoreError(
            f"Invalid dataset name {name!r}: use a letter or '_' first, then letters, digits or '_' "
            "(at most 63 characters), e.g. 'shop' or 'sales_2024'")
    low = name.lower()
    if low in _SYSTEM_SCHEMAS or low.startswith("_synthtalk"):
        raise StoreError(f"Invalid dataset name {name!r}: it is reserved by DuckDB or the store")
    if low in _reserved_words():
        raise StoreError(f"Invalid dataset name {name!r}: it is a reserved SQL keyword; pick another name")
    return name


# --------------------------------------------------------------------------------------------
# metadata
# --------------------------------------------------------------------------------------------

@dataclass
class DatasetInfo:
    """One row of the store's catalogue."""

    name: str
    source: str  # the DDL as given
    dialect: str
    tables: list[str]  # table keys in load order
    row_counts: dict[str, int]
    options: dict[str, Any] = field(default_factory=dict)
    spec: Any = None
    notices: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seed: int | None = None
    version: int = 1
    created_at: _dt.datetime | None = None
    updated_at: _dt.datetime | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())

    def __repr__(self) -> str:
        return (f"DatasetInfo({self.name!r}, {len(self.tables)} tables, {self.total_rows:,} rows, "
                f"dialect={self.dialect!r}, version={self.version})")


_META_DDL = f"""
CREATE SCHEMA IF NOT EXISTS {META};
CREATE TABLE IF NOT EXISTS {META}.info (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS {META}.datasets (
    name VARCHAR PRIMARY KEY,
    source VARCHAR,
    dialect VARCHAR,
    tables VARCHAR,      -- JSON list: table keys in load order
    row_counts VARCHAR,  -- JSON object
    options VARCHAR,     -- JSON object
    spec VARCHAR,        -- JSON
    notices VARCHAR,     -- JSON list
    notes VARCHAR,       -- JSON list: the parser's notes on the DDL
    seed BIGINT,
    version INTEGER,
    created_at TIMESTAMP,
    updated_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS {META}.versions (
    dataset VARCHAR,
    version INTEGER,
    created_at TIMESTAMP,
    action VARCHAR,      -- generate, modify, ...
    detail VARCHAR       -- JSON
);
CREATE TABLE IF NOT EXISTS {META}.state (key VARCHAR PRIMARY KEY, value VARCHAR);
"""


def _jsonable(obj: Any) -> Any:
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if hasattr(obj, "model_dump"):  # pydantic
        return obj.model_dump(mode="json")
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if not f.name.startswith("_")}
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (_dt.date, _dt.datetime, _dt.time)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    return repr(obj)


def _dumps(obj: Any) -> str:
    return json.dumps(_jsonable(obj), ensure_ascii=False)


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


# --------------------------------------------------------------------------------------------
# the store
# --------------------------------------------------------------------------------------------

@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``BEGIN`` … ``COMMIT``; on any exception ``ROLLBACK`` and re-raise."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise


def _is_busy(e: Exception) -> bool:
    msg = str(e)
    return ("Could not set lock" in msg or "Conflicting lock" in msg
            or "different configuration" in msg or "Unique file handle conflict" in msg)


class Store:
    """A DuckDB file holding named datasets. ``Store()`` uses ``$SYNTHTALK_STORE`` or ``./synthtalk.duckdb``;
    ``Store(":memory:")`` keeps everything in this process only."""

    def __init__(self, path: str | os.PathLike | None = None, *, timeout: float = 15.0):
        if path is None:
            path = os.environ.get(ENV_VAR) or DEFAULT_PATH
        path = str(path)
        self.memory = path == ":memory:"
        self.path = path if self.memory else str(Path(path).expanduser().resolve())
        self.timeout = timeout
        self._mem_con: duckdb.DuckDBPyConnection | None = None
        self._local = threading.local()
        if not self.memory:
            p = Path(self.path)
            if p.is_dir():
                raise StoreError(f"The store path {self.path} is a directory; give a file path such as "
                                 f"{p / DEFAULT_PATH}")

    def __repr__(self) -> str:
        return f"Store({self.path!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Store) and other.path == self.path and not self.memory

    def __hash__(self) -> int:
        return hash(self.path)

    # -- connections ------------------------------------------------------------------------
    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        if self.memory:
            if self._mem_con is None:
                self._mem_con = duckdb.connect(":memory:")
            return self._mem_con.cursor()
        deadline = time.monotonic() + self.timeout
        delay = 0.05
        while True:
            try:
                # one opener at a time per file in this process: DuckDB's instance cache races when two
                # threads open a file nobody has open yet ("Unique file handle conflict")
                with _write_lock(":open:" + self.path):
                    return duckdb.connect(self.path, read_only=read_only)
            except (duckdb.IOException, duckdb.ConnectionException) as e:
                msg = str(e)
                if read_only and "different configuration" in msg:
                    # this process already has the file open for writing (another thread, another
                    # Store object): share that instance; MVCC still shows only committed data
                    read_only = False
                    continue
                if _is_busy(e):
                    if time.monotonic() < deadline:
                        time.sleep(delay * random.uniform(0.5, 1.0))
                        delay = min(delay * 2, 0.4)
                        continue
                    holder = re.search(r"\(PID (\d+)\)", msg)
                    who = f" (held by process {holder.group(1)})" if holder else ""
                    raise StoreError(f"The store {self.path} is busy{who}: another kernel is writing to it. "
                                     f"Waited {self.timeout:.0f} s; try again in a moment.") from None
                if "not a valid DuckDB database" in msg or "Corrupt" in msg or "corrupt" in msg:
                    raise StoreError(f"The store file {self.path} is not a valid DuckDB database (corrupt, or "
                                     f"another kind of file). Move it away or set {ENV_VAR} to another path.") from None
                if "No such file" in msg or "Cannot open file" in msg:
                    raise StoreError(f"The store {self.path} cannot be opened: its directory does not exist "
                                     f"or is not accessible ({msg})") from None
                if "Permission denied" in msg or "Read-only file system" in msg:
                    raise StoreError(f"The store {self.path} cannot be opened for writing: permission denied "
                                     f"(set {ENV_VAR} to a writable path)") from None
                raise StoreError(f"The store {self.path} cannot be opened: {msg}") from None
            except duckdb.Error as e:
                raise StoreError(f"The store {self.path} cannot be opened: {e}") from None

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation; closed (and the file released) on exit.

        Nested use in the same thread reuses the outer connection. A read-only request on a store
        file that does not exist yet raises :class:`StoreError`; ``exists``/``list`` handle that case.
        """
        outer = getattr(self._local, "con", None)
        if outer is not None:
            if not read_only and getattr(self._local, "read_only", False):
                raise StoreError("internal: a write was attempted inside a read-only store connection")
            yield outer
            return
        if read_only and not self.memory and not Path(self.path).exists():
            raise StoreError(f"The store {self.path} does not exist yet (nothing has been generated)")
        lock = None
        if not read_only:
            lock = _write_lock(self._key())
            if not lock.acquire(timeout=self.timeout * 4):
                raise StoreError(f"The store {self.path} is busy: another thread of this kernel is writing to it. "
                                 f"Try again in a moment.")
        try:
            con = self._open(read_only)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        self._local.con, self._local.read_only = con, read_only
        try:
            try:
                con.execute("SET TimeZone = 'UTC'")
            except duckdb.Error:
                pass
            if not read_only:
                self._ensure_meta(con)
            yield con
        finally:
            self._local.con = None
            try:
                con.close()
            except duckdb.Error:
                pass
            if lock is not None:
                lock.release()

    def _has_meta(self, con: duckdb.DuckDBPyConnection) -> bool:
        return bool(con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'datasets'",
            [META]).fetchall()[0][0])

    def _ensure_meta(self, con: duckdb.DuckDBPyConnection) -> None:
        key = self.path if not self.memory else f"mem:{id(self)}"
        if key in _INITIALISED and self._has_meta(con):
            return
        try:
            con.execute(_META_DDL)
            con.execute(f"INSERT OR IGNORE INTO {META}.info VALUES ('format', ?)", [FORMAT_VERSION])
        except duckdb.Error as e:
            raise StoreError(f"The store {self.path} cannot be initialised: {e}") from None
        _INITIALISED.add(key)

    # -- catalogue --------------------------------------------------------------------------
    def _read_infos(self, con: duckdb.DuckDBPyConnection, name: str | None = None) -> list[DatasetInfo]:
        sql = (f"SELECT name, source, dialect, tables, row_counts, options, spec, notices, notes, seed, version, "
               f"created_at, updated_at FROM {META}.datasets")
        params: list[Any] = []
        if name is not None:
            sql += " WHERE lower(name) = lower(?)"
            params.append(name)
        sql += " ORDER BY lower(name)"
        out = []
        for r in con.execute(sql, params).fetchall():
            out.append(DatasetInfo(
                name=r[0], source=r[1] or "", dialect=r[2] or "",
                tables=json.loads(r[3] or "[]"), row_counts=json.loads(r[4] or "{}"),
                options=json.loads(r[5] or "{}"), spec=json.loads(r[6]) if r[6] else None,
                notices=json.loads(r[7] or "[]"), notes=json.loads(r[8] or "[]"), seed=r[9], version=r[10] or 1,
                created_at=r[11], updated_at=r[12]))
        return out

    def list(self) -> list[DatasetInfo]:
        """Every dataset in the store (sorted by name)."""
        if not self.memory and not Path(self.path).exists():
            return []
        with self.connect(read_only=self._ro()) as con:
            if not self._has_meta(con):
                return []
            return self._read_infos(con)

    def names(self) -> list[str]:
        return [i.name for i in self.list()]

    def exists(self, name: str) -> bool:
        if not isinstance(name, str) or not name:
            return False
        if not self.memory and not Path(self.path).exists():
            return False
        with self.connect(read_only=self._ro()) as con:
            if not self._has_meta(con):
                return False
            return bool(con.execute(f"SELECT count(*) FROM {META}.datasets WHERE lower(name) = lower(?)",
                                    [name]).fetchall()[0][0])

    def info(self, name: str) -> DatasetInfo:
        """The catalogue entry of ``name`` (case-insensitive)."""
        if not self.memory and not Path(self.path).exists():
            raise StoreError(f"No dataset named {name!r}: the store {self.path} is empty")
        with self.connect(read_only=self._ro()) as con:
            infos = self._read_infos(con, name) if self._has_meta(con) else []
        if not infos:
            have = self.names()
            hint = f" (datasets: {', '.join(have)})" if have else " (the store has no datasets yet)"
            raise StoreError(f"No dataset named {name!r} in the store {self.path}{hint}")
        return infos[0]

    def _ro(self) -> bool:
        """Read-only connections for reads unless this thread is already inside a connection."""
        return getattr(self._local, "con", None) is None and not self.memory

    # -- writing ----------------------------------------------------------------------------
    def save(self, name: str, result: Any, meta: dict[str, Any] | None = None, *,
             activate: bool = True) -> "Dataset":
        """Store a :class:`~synthtalk_jupyter.generation.result.GenerationResult` as dataset ``name``,
        replacing any dataset of that name atomically. ``meta`` may give ``source`` (the DDL text),
        ``dialect``, ``options``, ``spec``, ``notices``, ``action``. Returns the :class:`Dataset`."""
        check_name(name)
        meta = dict(meta or {})
        schema: Schema = result.schema
        order = list(result.order) or list(schema.tables)
        missing = [k for k in order if k not in schema.tables]
        if missing:
            raise StoreError(f"internal: load order names unknown tables {missing}")
        # tables the engine did not order (should not happen) still get stored
        order += [k for k in schema.tables if k not in order]
        source = meta.get("source", schema.source) or ""
        dialect = meta.get("dialect", schema.dialect) or ""
        options = meta.get("options")
        spec = meta.get("spec")
        if options is not None and not isinstance(options, dict):
            opt_obj = options
            options = _jsonable(opt_obj)
            if spec is None:
                spec = getattr(opt_obj, "spec", None)
        if isinstance(options, dict):
            options = {k: v for k, v in options.items() if k != "spec"}
        notices = list(meta.get("notices", getattr(result, "notices", []) or []))
        notes = [str(n) for n in meta.get("notes", getattr(schema, "notes", []) or [])]
        seed = meta.get("seed", getattr(result, "seed", None))
        action = meta.get("action", "generate")

        # generate into a private staging file first, without holding the store: the store file is
        # then held only for a copy at DuckDB speed (other kernels wait for that, not for generation)
        staged = None if self.memory else _stage(self.path, schema, order, result, dialect, name)
        try:
            return self._save_locked(name, schema, order, result, staged, source, dialect, options, spec,
                                     notices, notes, seed, action, activate)
        finally:
            if staged is not None:
                _remove_db_file(staged[0])

    def _save_locked(self, name, schema, order, result, staged, source, dialect, options, spec, notices, notes,
                     seed, action, activate) -> "Dataset":
        with self.connect() as con:
            if staged is not None:
                try:
                    con.execute(f"ATTACH {_sql_string(staged[0])} AS {STAGING_ALIAS} (READ_ONLY)")
                except duckdb.Error as e:
                    raise StoreError(f"Saving dataset {name!r} failed, the store is unchanged: {e}") from None
            existing = self._read_infos(con, name)
            stored_name = name
            version = (existing[0].version + 1) if existing else 1
            created = existing[0].created_at if existing else _now()
            try:
                with transaction(con):
                    if existing:
                        con.execute(f"DROP SCHEMA IF EXISTS {quote_ident(existing[0].name)} CASCADE")
                    else:
                        # an orphan schema of that name (never in the catalogue): replace it too
                        con.execute(f"DROP SCHEMA IF EXISTS {quote_ident(name)} CASCADE")
                    con.execute(f"CREATE SCHEMA {quote_ident(stored_name)}")
                    for key in order:
                        con.execute(create_table_sql(stored_name, schema.tables[key]))
                    if staged is not None:
                        counts = staged[1]
                        for key in order:
                            con.execute(f"INSERT INTO {qualified(stored_name, key)} "
                                        f"SELECT * FROM {STAGING_ALIAS}.{qualified('main', key)}")
                        notices.extend(staged[2])
                    else:
                        counts = {k: 0 for k in order}
                        for key, batch in result.chunks():
                            if key not in counts:
                                raise StoreError(f"internal: the engine produced rows for an unknown table {key!r}")
                            _append(con, stored_name, key, batch)
                            counts[key] += batch.num_rows
                        for key in order:
                            notices.extend(_fill_computed(con, stored_name, schema.tables[key], dialect))
                    now = _now()
                    con.execute(f"DELETE FROM {META}.datasets WHERE lower(name) = lower(?)", [name])
                    con.execute(
                        f"INSERT INTO {META}.datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [stored_name, source, dialect, _dumps(order), _dumps(counts), _dumps(options or {}),
                         _dumps(spec) if spec is not None else None, _dumps(notices), _dumps(notes), seed, version,
                         created, now])
                    con.execute(f"INSERT INTO {META}.versions VALUES (?, ?, ?, ?, ?)",
                                [stored_name, version, now, action,
                                 _dumps({"row_counts": counts, "seed": seed})])
                    if activate:
                        con.execute(f"INSERT OR REPLACE INTO {META}.state VALUES ('active', ?)", [stored_name])
                    # the entry exactly as written (another kernel may change it right after the commit)
                    written = self._read_infos(con, stored_name)[0]
            except duckdb.Error as e:
                raise StoreError(f"Saving dataset {name!r} failed, the store is unchanged: {e}") from None
            finally:
                if staged is not None:
                    try:
                        con.execute(f"DETACH {STAGING_ALIAS}")
                    except duckdb.Error:
                        pass
        if activate:
            self._set_process_active(stored_name)
        from .dataset import Dataset
        return Dataset(stored_name, self, _info=written)

    def drop(self, name: str) -> None:
        """Remove dataset ``name`` and its tables. Unknown name: :class:`StoreError`."""
        info = self.info(name)
        with self.connect() as con, transaction(con):
            con.execute(f"DROP SCHEMA IF EXISTS {quote_ident(info.name)} CASCADE")
            con.execute(f"DELETE FROM {META}.datasets WHERE lower(name) = lower(?)", [info.name])
            con.execute(f"DELETE FROM {META}.versions WHERE lower(dataset) = lower(?)", [info.name])
            con.execute(f"DELETE FROM {META}.state WHERE key = 'active' AND lower(value) = lower(?)",
                        [info.name])
        from .modify import drop_versions  # its undo snapshots go too

        drop_versions(self, info.name)
        with _ACTIVE_LOCK:
            if (_ACTIVE.get(self._key()) or "").lower() == info.name.lower():
                del _ACTIVE[self._key()]

    def open(self, name: str) -> "Dataset":
        """The dataset ``name``; it becomes the active dataset."""
        from .dataset import Dataset
        info = self.info(name)
        self.set_active(info.name)
        return Dataset(info.name, self, _info=info)

    # -- active dataset ---------------------------------------------------------------------
    def _key(self) -> str:
        return self.path if not self.memory else f"mem:{id(self)}"

    def _set_process_active(self, name: str) -> None:
        with _ACTIVE_LOCK:
            _ACTIVE[self._key()] = name

    def set_active(self, name: str) -> None:
        info = self.info(name)
        with self.connect() as con:
            con.execute(f"INSERT OR REPLACE INTO {META}.state VALUES ('active', ?)", [info.name])
        self._set_process_active(info.name)

    @property
    def active(self) -> str | None:
        """The active dataset's name: the last one generated or opened in this process, else the one
        remembered in the store (so a restarted kernel gets it back), else None."""
        with _ACTIVE_LOCK:
            mine = _ACTIVE.get(self._key())
        if mine and self.exists(mine):
            return mine
        if not self.memory and not Path(self.path).exists():
            return None
        with self.connect(read_only=self._ro()) as con:
            if not self._has_meta(con):
                return None
            row = con.execute(
                f"SELECT d.name FROM {META}.state s JOIN {META}.datasets d ON lower(d.name) = lower(s.value) "
                f"WHERE s.key = 'active'").fetchall()
        return row[0][0] if row else None

    def get_active(self) -> str | None:
        return self.active

    def active_dataset(self) -> "Dataset | None":
        from .dataset import Dataset
        name = self.active
        return Dataset(name, self) if name else None

    def versions(self, name: str) -> list[dict[str, Any]]:
        info = self.info(name)
        with self.connect(read_only=self._ro()) as con:
            rows = con.execute(f"SELECT version, created_at, action, detail FROM {META}.versions "
                               f"WHERE lower(dataset) = lower(?) ORDER BY version", [info.name]).fetchall()
        return [{"version": r[0], "created_at": r[1], "action": r[2], "detail": json.loads(r[3] or "{}")}
                for r in rows]


# --------------------------------------------------------------------------------------------
# table creation and loading
# --------------------------------------------------------------------------------------------

STAGING_ALIAS = "_synthtalk_staging"


def _sql_string(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _remove_db_file(path: str) -> None:
    for p in (path, path + ".wal"):
        try:
            os.remove(p)
        except OSError:
            pass


def _stage(store_path: str, schema: Schema, order: list[str], result: Any, dialect: str,
           name: str) -> tuple[str, dict[str, int], list[str]]:
    """Generate every table into a private DuckDB file (next to the store, else in the temp dir):
    ``(path, row counts, notices)``. Nothing of the store is held meanwhile."""
    import tempfile
    import uuid

    stem = f".synthtalk-staging-{os.getpid()}-{uuid.uuid4().hex[:12]}.duckdb"
    candidates = [Path(store_path).parent / stem, Path(tempfile.gettempdir()) / stem]
    con = None
    for path in candidates:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.Error:
            continue
    if con is None:
        raise StoreError(f"Saving dataset {name!r} failed, the store is unchanged: no writable place for a staging "
                         f"file (tried {candidates[0].parent} and {candidates[1].parent})")
    ok = False
    try:
        notices: list[str] = []
        for key in order:
            con.execute(create_table_sql("main", schema.tables[key]))
        counts = {k: 0 for k in order}
        for key, batch in result.chunks():
            if key not in counts:
                raise StoreError(f"internal: the engine produced rows for an unknown table {key!r}")
            _append(con, "main", key, batch)
            counts[key] += batch.num_rows
        for key in order:
            notices.extend(_fill_computed(con, "main", schema.tables[key], dialect))
        con.execute("CHECKPOINT")
        ok = True
    except duckdb.Error as e:
        raise StoreError(f"Saving dataset {name!r} failed, the store is unchanged: {e}") from None
    finally:
        con.close()
        if not ok:
            _remove_db_file(str(path))
    return str(path), counts, notices


def create_table_sql(db_schema: str, table: Table) -> str:
    cols = ", ".join(f"{quote_ident(c.name)} {duckdb_type(c.type)}" for c in table.columns)
    if not cols:
        cols = '"_no_columns" BOOLEAN'
    return f"CREATE TABLE {qualified(db_schema, table.key)} ({cols})"


def _append(con: duckdb.DuckDBPyConnection, db_schema: str, key: str, batch: pa.RecordBatch) -> None:
    if batch.num_rows == 0:
        return
    view = "__synthtalk_batch"
    con.register(view, batch)
    try:
        con.execute(f"INSERT INTO {qualified(db_schema, key)} BY NAME SELECT * FROM {view}")
    finally:
        con.unregister(view)


def _fill_computed(con: duckdb.DuckDBPyConnection, db_schema: str, table: Table, dialect: str) -> list[str]:
    """Evaluate computed columns in DuckDB when their expression translates; else leave them NULL with a
    notice. Expressions are tried first on an empty copy of the table in a scratch in-memory database,
    since any error inside the save transaction would abort it."""
    computed = [c for c in table.columns if c.is_generated]
    if not computed:
        return []
    from sqlglot import exp, parse_one

    notices = []
    scratch = duckdb.connect(":memory:")
    try:
        scratch.execute(create_table_sql("main", table).replace(
            f'CREATE TABLE {qualified("main", table.key)}', 'CREATE TABLE "main"."t"', 1))
        for c in computed:
            try:
                expr = c.generated if c.generated is not None else parse_one(c.generated_sql, read=dialect or None)
                expr = expr.copy()
                for col in expr.find_all(exp.Column):
                    for part in ("table", "db", "catalog"):
                        col.set(part, None)
                sql = f"TRY_CAST(({expr.sql(dialect='duckdb')}) AS {duckdb_type(c.type)})"
                scratch.execute(f'SELECT {sql} FROM "main"."t"').fetchall()
            except Exception:  # noqa: BLE001 - not translatable: leave the column empty, say so
                notices.append(f"computed column {table.key}.{c.name} is left empty in the store (its "
                               f"expression has no DuckDB translation); the real database computes it")
                continue
            con.execute(f"UPDATE {qualified(db_schema, table.key)} SET {quote_ident(c.name)} = {sql}")
    finally:
        scratch.close()
    return notices
