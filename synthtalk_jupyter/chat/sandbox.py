"""Read-only SQL sandbox for model-written (and user-written) SQL. Defence in depth:

1. **Static check** (:func:`check_sql`), on sqlglot's AST, whatever the text looks like:
   exactly one SELECT / WITH / set operation (UNION ...) over the dataset's tables (CTE names
   allowed); no DDL/DML, COPY, ATTACH/DETACH, PRAGMA, SET/RESET, INSTALL/LOAD, CALL,
   EXPORT/IMPORT, SELECT INTO; every function must be on an allow-list
   (:mod:`.functions`), so file/URL/env/system functions (``read_csv``, ``read_text``,
   ``glob``, ``getenv``, ``current_setting``, ``duckdb_*``, ``query`` ...) and anything
   unknown are refused; no other schema or catalog than the dataset's; no control / format
   / confusable (full-width) characters outside string literals.
   What runs is the SQL **re-generated from the checked tree** (comments dropped), never
   the original text, so a parser differential between sqlglot and DuckDB cannot smuggle
   anything past the check.
2. **Execution** on a separate in-memory DuckDB instance (never the store's), created with
   ``enable_external_access=false``, extension auto-install/auto-load off, no temp directory,
   a memory limit, Python replacement scans off, then ``lock_configuration=true``. The tables
   a query references are copied in from the dataset's Arrow tables on first use (a copy: even
   a query that slipped through could never touch the store). At most ``row_cap``
   rows are fetched (truncation reported); a timer calls ``interrupt()`` after ``timeout``.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from ..errors import SQLRefused, SynthTalkError
from .functions import SAFE_FUNCTIONS, SAFE_TABLE_FUNCTIONS

MAX_SQL_CHARS = 20_000


class QueryFailed(SynthTalkError):
    """A checked query that failed in the database (bad column, type error, timeout ...)."""


@dataclass
class CheckedSQL:
    sql: str  # what will run: regenerated from the checked tree
    original: str
    tables: list[str]  # dataset table keys the query reads


@dataclass
class QueryResult:
    sql: str  # the executed (regenerated) SQL
    table: pa.Table  # at most row_cap rows
    truncated: bool = False  # more rows existed than row_cap
    elapsed_ms: float = 0.0
    original: str = ""
    tables: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return self.table.num_rows

    @property
    def columns(self) -> list[str]:
        return list(self.table.column_names)

    @property
    def df(self):
        """pandas DataFrame: decimals as float, dates as datetime64 (charts and display)."""
        t = self.table
        cols = []
        for f, col in zip(t.schema, t.columns):
            if pa.types.is_decimal(f.type):
                col = col.cast(pa.float64())
            cols.append(col)
        t = pa.table(cols, names=t.column_names)
        return t.to_pandas(date_as_object=False)


# -- static check ---------------------------------------------------------------

_FORBIDDEN_NODES = tuple(getattr(exp, n) for n in (
    "Create", "Drop", "Insert", "Update", "Delete", "Merge", "Alter", "AlterColumn", "TruncateTable",
    "Command", "Copy", "Attach", "Detach", "Install", "Pragma", "Set", "Use", "Transaction", "Commit",
    "Rollback", "Describe", "Summarize", "Show", "Into", "LoadData", "Cache", "Uncache", "Refresh",
    "Export", "Grant", "Revoke", "Kill", "Analyze", "Comment", "Declare", "Execute", "Placeholder",
    "SetItem",
) if hasattr(exp, n))

_START_TOKENS = {TokenType.SELECT, TokenType.WITH, TokenType.FROM, TokenType.L_PAREN, TokenType.VALUES}

# expressions sqlglot types as functions that render without a ``name(`` call shape
_CONSTRUCTS = tuple(getattr(exp, n) for n in (
    "Case", "If", "Array", "Struct", "Interval", "Bracket", "Lambda", "Map", "VarMap", "Tuple",
    "Paren", "Not", "Neg", "Between", "In", "Is", "Like", "ILike", "Distinct",
) if hasattr(exp, n))

# operators and predicates (AND, =, IN, BETWEEN, LIKE, NOT ...) are typed as functions too
_OPERATORS = (exp.Binary, exp.Unary, exp.Connector, exp.Predicate)

_CALL = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(|$)")
_ALLOWED_CTRL = {"\n", "\r", "\t"}


def _refuse(msg: str, sql: str = "") -> SQLRefused:
    stmt = sql.strip().splitlines()[0][:120] if sql.strip() else None
    return SQLRefused(msg, statement=stmt)


def _check_characters(sql: str) -> None:
    for ch in sql:
        if ch in _ALLOWED_CTRL:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp"):
            raise _refuse(f"invisible or control character U+{ord(ch):04X} in the query; "
                          "write plain SQL", sql)


def _check_tokens(sql: str) -> None:
    try:
        tokens = sqlglot.tokenize(sql, read="duckdb")
    except (TokenError, ValueError) as e:
        raise _refuse(f"the query cannot be tokenised: {e}", sql) from None
    sig = [t for t in tokens]
    if not sig:
        raise _refuse("empty query: write one SELECT statement", sql)
    first = sig[0]
    if first.token_type not in _START_TOKENS:
        word = first.text.upper()
        raise _refuse(f"{word} is not allowed: only one read-only SELECT (or WITH ... SELECT) "
                      "statement can run", sql)
    for i, t in enumerate(sig):
        if t.token_type == TokenType.SEMICOLON and (i != len(sig) - 1 or t.comments):
            raise _refuse("only one statement is allowed (found text after ';')", sql)
        if t.token_type in (TokenType.VAR, TokenType.IDENTIFIER) or t.token_type.name.isupper():
            if t.token_type != TokenType.STRING and not t.text.isascii():
                norm = unicodedata.normalize("NFKC", t.text)
                if norm != t.text:
                    raise _refuse(f"look-alike (full-width or compatibility) characters in {t.text!r}; "
                                  "write plain SQL", sql)
    # comments that hide a second statement are caught by the parser below (they are
    # attached to tokens); a comment on its own is harmless and dropped on regeneration.


def _func_name(node: exp.Func) -> str | None:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    m = _CALL.match(node.sql(dialect="duckdb", comments=False))
    return m.group(1).lower() if m else None


def _table_map(dataset) -> dict[str, str]:
    """lower-case name -> table key, for every table of the dataset."""
    schema = dataset.schema
    keys = list(dataset.tables)
    out: dict[str, str] = {}
    for k in keys:
        out.setdefault(k.lower(), k)
    for k in keys:
        t = schema.tables.get(k) if schema is not None else None
        if t is not None:
            out.setdefault(t.name.lower(), k)
    return out


def check_sql(sql: str, dataset) -> CheckedSQL:
    """Refuse (``SQLRefused``) anything but one read-only SELECT over ``dataset``'s tables."""
    if not isinstance(sql, str):
        raise _refuse("the query must be text")
    if len(sql) > MAX_SQL_CHARS:
        raise _refuse(f"the query is too long ({len(sql)} characters, at most {MAX_SQL_CHARS})")
    _check_characters(sql)
    _check_tokens(sql)
    try:
        stmts = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None and not isinstance(s, exp.Semicolon)]
    except (ParseError, TokenError) as e:
        msg = str(e).splitlines()[0]
        raise _refuse(f"the query cannot be parsed: {msg}", sql) from None
    if len(stmts) != 1:
        raise _refuse(f"exactly one statement is allowed (found {len(stmts)})", sql)
    tree = stmts[0]
    if not isinstance(tree, exp.Query):
        raise _refuse(f"only a read-only SELECT is allowed, not {type(tree).__name__.upper()}", sql)

    cte_names = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    tables = _table_map(dataset)
    ds_name = str(getattr(dataset, "name", "") or "").lower()
    used: list[str] = []

    for node in tree.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            raise _refuse(f"{type(node).__name__.upper()} is not allowed: the sandbox is read-only", sql)
        if isinstance(node, exp.Select) and node.args.get("into") is not None:
            raise _refuse("SELECT INTO is not allowed: the sandbox is read-only", sql)
        if isinstance(node, exp.Table):
            src = node.this
            if isinstance(src, exp.Func):
                name = _func_name(src)
                if name not in SAFE_TABLE_FUNCTIONS:
                    raise _refuse(f"table function {name or type(src).__name__}() is not allowed; "
                                  f"query the dataset's tables ({', '.join(dataset.tables)})", sql)
                continue
            if not isinstance(src, exp.Identifier):
                raise _refuse(f"unsupported FROM item {node.sql(dialect='duckdb')[:60]!r}", sql)
            name = src.name
            catalog, db = node.catalog, node.db
            if not catalog and not db and name.lower() in cte_names:
                continue
            key = tables.get(name.lower())
            if key is None:
                raise _refuse(f"unknown table {name!r}: the dataset's tables are {', '.join(dataset.tables)}", sql)
            if catalog:
                raise _refuse(f"catalog {catalog!r} is not allowed: use the table names alone", sql)
            if db:
                t = dataset.schema.tables.get(key) if dataset.schema is not None else None
                ok = {ds_name, "main"} | ({t.schema.lower()} if t is not None and t.schema else set())
                if db.lower() not in ok:
                    raise _refuse(f"schema {db!r} is not allowed: use the table names alone", sql)
            alias = node.alias
            node.set("catalog", None)
            node.set("db", None)
            node.set("this", exp.to_identifier(key, quoted=True))
            if not alias and name != key:
                node.set("alias", exp.TableAlias(this=exp.to_identifier(name, quoted=src.quoted)))
            if key not in used:
                used.append(key)
            continue
        if isinstance(node, exp.Func) and not isinstance(node, _OPERATORS):
            name = _func_name(node)
            if name is None:
                if isinstance(node, _CONSTRUCTS):
                    continue
                raise _refuse(f"expression {type(node).__name__} is not allowed in the sandbox", sql)
            if name not in SAFE_FUNCTIONS and name not in SAFE_TABLE_FUNCTIONS:
                raise _refuse(f"function {name}() is not allowed in the sandbox (it is not on the "
                              "list of safe analytical functions)", sql)
    safe = tree.sql(dialect="duckdb", comments=False)
    return CheckedSQL(sql=safe, original=sql, tables=used)


# -- execution ----------------------------------------------------------------------

class Sandbox:
    """One locked, in-memory DuckDB instance over a dataset's Arrow tables.

    Cheap to create (~25 ms); keep one per turn (Arrow tables fetched once per turn)::

        with Sandbox(dataset) as sb:
            res = sb.run("SELECT status, count(*) FROM orders GROUP BY 1")
    """

    def __init__(self, dataset, *, row_cap: int = 10_000, timeout: float = 10.0,
                 memory_limit: str = "2GB", threads: int | None = None):
        self.dataset = dataset
        self.row_cap = max(1, int(row_cap))
        self.timeout = float(timeout)
        self.memory_limit = memory_limit
        self.threads = threads
        self._con: duckdb.DuckDBPyConnection | None = None
        self._loaded: set[str] = set()
        self._lock = threading.Lock()

    # lifecycle
    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            config: dict[str, Any] = {
                "enable_external_access": False,
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "allow_community_extensions": False,
                "memory_limit": self.memory_limit,
                "temp_directory": "",
            }
            if self.threads:
                config["threads"] = self.threads
            con = duckdb.connect(":memory:", config=config)
            try:
                con.execute("SET python_enable_replacements = false")
            except duckdb.Error:  # older DuckDB without the option
                pass
            con.execute("SET lock_configuration = true")
            self._con = con
        return self._con

    def close(self) -> None:
        if self._con is not None:
            try:
                self._con.close()
            finally:
                self._con = None
        self._loaded.clear()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _load(self, con: duckdb.DuckDBPyConnection, key: str) -> None:
        """Copy a dataset table into the sandbox instance once (native DuckDB storage scans
        about twice as fast as an Arrow scan, and the Arrow copy is released afterwards)."""
        if key in self._loaded:
            return
        try:
            t = self.dataset.arrow(key)
        except Exception as e:  # the store is not ours: report, don't crash
            raise QueryFailed(f"cannot read table {key!r} of dataset "
                              f"{getattr(self.dataset, 'name', '?')!r}: {e}") from None
        if not isinstance(t, pa.Table):
            t = pa.table(t)
        name = '"' + key.replace('"', '""') + '"'
        con.register("__synthtalk_load", t)
        try:
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM __synthtalk_load")
        finally:
            con.unregister("__synthtalk_load")
        self._loaded.add(key)

    # running
    def check(self, sql: str) -> CheckedSQL:
        return check_sql(sql, self.dataset)

    def run(self, sql: str) -> QueryResult:
        """Check then execute; raises ``SQLRefused`` or ``QueryFailed``."""
        checked = self.check(sql)
        return self.execute(checked)

    def execute(self, checked: CheckedSQL, *, row_cap: int | None = None,
                timeout: float | None = None) -> QueryResult:
        t0 = time.perf_counter()
        row_cap = max(1, int(row_cap or self.row_cap))
        timeout = float(timeout or self.timeout)
        with self._lock:
            con = self._connect()
            for key in checked.tables:
                self._load(con, key)
            cur = con.cursor()
            timed_out = threading.Event()

            def _stop() -> None:
                timed_out.set()
                try:
                    cur.interrupt()
                except Exception:
                    pass

            timer = threading.Timer(timeout, _stop)
            timer.daemon = True
            try:
                timer.start()
                reader = cur.sql(checked.sql).to_arrow_reader(min(row_cap + 1, 65_536))
                batches: list[pa.RecordBatch] = []
                n = 0
                truncated = False
                for batch in reader:
                    if n + batch.num_rows > row_cap:
                        batches.append(batch.slice(0, row_cap - n))
                        n = row_cap
                        truncated = True
                        break
                    batches.append(batch)
                    n += batch.num_rows
                table = pa.Table.from_batches(batches, schema=reader.schema)
            except duckdb.Error as e:
                if timed_out.is_set():
                    raise QueryFailed(f"the query took longer than {timeout:g} s and was stopped; "
                                      "aggregate more or add a LIMIT") from None
                msg = str(e).strip()
                raise QueryFailed(msg) from None
            finally:
                timer.cancel()
                try:
                    cur.close()
                except Exception:
                    pass
        return QueryResult(sql=checked.sql, table=table, truncated=truncated,
                           elapsed_ms=(time.perf_counter() - t0) * 1000, original=checked.original,
                           tables=list(checked.tables))


def _dataset_key(dataset) -> tuple:
    version = getattr(dataset, "version", None)
    store = getattr(dataset, "store", None)
    if version is not None and isinstance(version, (int, str)):
        return (type(dataset).__name__, getattr(dataset, "name", None), version, str(getattr(store, "path", "")))
    return ("id", id(dataset))  # the cached Sandbox holds the object: the id cannot be reused meanwhile


_shared: "OrderedDict[tuple, Sandbox]" = OrderedDict()
_shared_lock = threading.Lock()
SHARED_MAX = 2


def shared_sandbox(dataset, *, memory_limit: str = "2GB") -> Sandbox:
    """The process's locked sandbox for this dataset (and data version), reused across turns so
    the instance and the Arrow tables are set up once. Row cap and timeout are per ``execute``."""
    key = _dataset_key(dataset)
    with _shared_lock:
        sb = _shared.get(key)
        if sb is not None:
            _shared.move_to_end(key)
            return sb
        sb = Sandbox(dataset, memory_limit=memory_limit)
        _shared[key] = sb
        while len(_shared) > SHARED_MAX:
            _, old = _shared.popitem(last=False)
            old.close()
        return sb


def clear_shared_sandboxes() -> None:
    with _shared_lock:
        for sb in _shared.values():
            sb.close()
        _shared.clear()


def run_query(sql: str, dataset, *, row_cap: int = 10_000, timeout: float = 10.0) -> QueryResult:
    """One-shot: check and run ``sql`` on ``dataset`` in a fresh sandbox."""
    with Sandbox(dataset, row_cap=row_cap, timeout=timeout) as sb:
        return sb.run(sql)
