"""Change one table of a stored dataset, validated and versioned, with undo.

A modification is SQL (UPDATE / INSERT / DELETE), either written by the user
(``ds.modify("orders", sql="UPDATE ...")``) or proposed by the LLM from an instruction
(``ds.modify("orders", "make 30% of December orders cancelled")``). Either way the same
path runs:

1. **Check** (:func:`check_sql`, pure, sqlglot): every statement must be an UPDATE,
   INSERT or DELETE whose target is the named table or a table that depends on it
   (FK children, transitively: "dependent rows"). Every table it reads must be a table
   of this dataset (a CTE name is fine); no other schema or catalog, no file / URL /
   environment / catalog functions (functions are checked against the Talk side's
   allow-list, ``chat/functions.py``; table functions only ``range``,
   ``generate_series``, ``unnest``). No DDL, COPY, ATTACH, PRAGMA, SET, LOAD, CALL,
   EXPORT: anything else is refused before a byte is executed. What runs is the SQL
   *regenerated from the checked syntax tree* with every table qualified by the
   dataset's DuckDB schema, so DuckDB never sees text the checker did not.
2. **Apply** in one transaction on the store: snapshot the target tables into the
   ``_synthtalk_versions`` schema, run the statements, then run the full validation
   (PK, UNIQUE, FK both directions, NOT NULL, CHECK, type fit) on the same connection.
   Anything but zero violations rolls everything back and raises
   :class:`ModificationRejected` naming the table, the constraint and the count.
3. **Version**: on success the version record (instruction, SQL, rows changed per
   table, timestamp, snapshot tables) is written in the same transaction, then commit.

Version design (snapshot before write, per changed table)
---------------------------------------------------------
``_synthtalk_versions.versions`` holds one row per successful modification of a dataset
(``dataset``, ``version`` 1, 2, ...). Before the statements run, each table the
statements write to is copied whole (``CREATE TABLE ... AS SELECT *``, insertion order
kept) to ``_synthtalk_versions."<dataset>@<version>@<table>"``. ``undo`` restores those
tables (``DELETE`` + ``INSERT ... SELECT *`` from the snapshot, in one transaction), so
the previous contents come back exactly, row order included; it then drops the snapshots
and marks the version ``undone`` (history keeps it, greyed). Undo can be repeated back to
the generated data. Only changed tables are copied (copy-on-write per table, per version);
DuckDB compresses the copies; dropping a dataset drops its versions
(:func:`drop_versions`). Everything lives in the store's DuckDB file, so history and undo
survive a kernel restart or a store reopen. The dataset identity (its creation stamp
in the store's metadata, when the store has one) is recorded with each version, so a
dataset regenerated under the same name never inherits old versions.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import sqlglot
from sqlglot import exp

from .errors import SQLRefused, SynthTalkError
from .schema.model import Schema, Table

VERSIONS_SCHEMA = "_synthtalk_versions"
MAX_STATEMENTS = 50

# sqlglot statement classes that are data changes
_CHANGE_TYPES = (exp.Update, exp.Insert, exp.Delete)

# what a refused statement kind is called in the message
_KIND_NAMES = {
    exp.Create: "DDL (CREATE)", exp.Drop: "DDL (DROP)", exp.Alter: "DDL (ALTER)",
    exp.Copy: "COPY (file access)", exp.Attach: "ATTACH", exp.Detach: "DETACH",
    exp.Pragma: "PRAGMA", exp.Set: "SET", exp.Select: "a query (SELECT)", exp.Union: "a query",
    exp.Use: "USE", exp.Transaction: "transaction control", exp.Commit: "transaction control",
    exp.Rollback: "transaction control", exp.Merge: "MERGE",
}
_DENY_FUNC_CLASSES = tuple(c for c in (getattr(exp, n, None) for n in ("ReadCSV", "ReadParquet", "ToFile", "Secret"))
                           if c is not None)
_LEADING_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(")
# syntax that prints like a function call but is not a catalog function
_SYNTAX_NAMES = frozenset({"cast", "try_cast", "case", "extract", "coalesce", "nullif", "if", "exists", "interval",
                           "struct_pack", "row", "array", "list", "map", "any", "all", "some", "in", "not"})


def _allowed_functions() -> tuple[frozenset[str], frozenset[str]]:
    """The Talk side's allow-lists (one list for every model-written SQL in the product)."""
    from .chat.functions import SAFE_FUNCTIONS, SAFE_TABLE_FUNCTIONS

    # random()/uuid() are fine in a data change ("pick 30% at random")
    return frozenset(SAFE_FUNCTIONS), frozenset(SAFE_TABLE_FUNCTIONS)


# --------------------------------------------------------------------------- checking
@dataclass
class CheckedSQL:
    """Statements that passed :func:`check_sql`."""

    statements: list[exp.Expression]  # the checked trees, tables qualified with the dataset schema
    executable: list[str]  # DuckDB SQL regenerated from those trees: what runs
    display: list[str]  # the statements as the user / model wrote them (normalised, unqualified)
    targets: list[str]  # table keys written to, per statement

    @property
    def tables(self) -> list[str]:
        """Distinct written tables, in first-write order."""
        out: list[str] = []
        for t in self.targets:
            if t not in out:
                out.append(t)
        return out

    @property
    def text(self) -> str:
        return ";\n".join(self.display) + ";"


def dependent_tables(schema: Schema, key: str) -> list[str]:
    """``key`` and every table whose rows depend on it through FKs (children, transitively)."""
    out = [key]
    i = 0
    while i < len(out):
        for child, _fk in schema.children(out[i]):
            if child.key not in out:
                out.append(child.key)
        i += 1
    return out


@contextlib.contextmanager
def _quiet_sqlglot():
    """sqlglot logs a warning for every statement it falls back to a Command on: we refuse those."""
    log = logging.getLogger("sqlglot")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _short(sql: str, n: int = 160) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= n else sql[: n - 1] + "…"


def _ident(name: str) -> exp.Identifier:
    return exp.Identifier(this=name, quoted=True)


def check_sql(
    sql: str,
    schema: Schema,
    table: str,
    *,
    dataset: str,
    physical: Mapping[str, str] | None = None,
    db_schema: str | None = None,
    max_statements: int = MAX_STATEMENTS,
) -> CheckedSQL:
    """Parse ``sql`` (DuckDB dialect) and allow only data changes of ``table`` (and its
    dependent tables) that read nothing but this dataset's tables.

    ``physical`` maps table keys to the stored DuckDB table names (default: the key);
    ``db_schema`` is the dataset's DuckDB schema (default: ``dataset``). Raises
    :class:`SQLRefused` with the reason and the statement.
    """
    target = schema.find(table)
    if target is None:
        raise SQLRefused(f"Dataset {dataset!r} has no table {table!r} (tables: {', '.join(schema.tables)})")
    physical = dict(physical or {})
    db_schema = db_schema or dataset
    allowed_targets = dependent_tables(schema, target.key)

    text = (sql or "").strip()
    if not text:
        raise SQLRefused("No SQL given: write UPDATE, INSERT or DELETE statements.", table=target.key)
    try:
        with _quiet_sqlglot():
            parsed = [s for s in sqlglot.parse(text, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as exc:
        first = exc.errors[0] if getattr(exc, "errors", None) else {}
        where = f" at line {first.get('line')}, column {first.get('col')}" if first.get("line") else ""
        raise SQLRefused(f"The SQL could not be parsed{where}: {str(exc).splitlines()[0]}",
                         table=target.key, statement=_short(text)) from None
    except sqlglot.errors.SqlglotError as exc:
        raise SQLRefused(f"The SQL could not be parsed: {exc}", table=target.key, statement=_short(text)) from None
    if not parsed:
        raise SQLRefused("No SQL statement found: write UPDATE, INSERT or DELETE statements.", table=target.key)
    if len(parsed) > max_statements:
        raise SQLRefused(f"Too many statements ({len(parsed)}; at most {max_statements} per change).",
                         table=target.key)

    safe_funcs, safe_table_funcs = _allowed_functions()
    checked = CheckedSQL([], [], [], [])
    for stmt in parsed:
        shown = stmt.sql(dialect="duckdb")
        _check_one(stmt, schema, target, allowed_targets, dataset, shown, safe_funcs, safe_table_funcs, checked)
        checked.display.append(shown)
        qualified = _qualify(stmt.copy(), schema, physical, db_schema)
        checked.statements.append(qualified)
        checked.executable.append(qualified.sql(dialect="duckdb"))
    return checked


def _refuse(msg: str, shown: str, table: str | None = None) -> SQLRefused:
    return SQLRefused(msg, statement=_short(shown), table=table)


def _statement_target(stmt: exp.Expression) -> exp.Table | None:
    node = stmt.this
    if isinstance(node, exp.Schema):  # INSERT INTO t (a, b)
        node = node.this
    return node if isinstance(node, exp.Table) else None


def _cte_names(stmt: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in stmt.find_all(exp.CTE)}


def _check_one(stmt, schema: Schema, target: Table, allowed_targets: list[str], dataset: str, shown: str,
               safe_funcs: frozenset[str], safe_table_funcs: frozenset[str], checked: CheckedSQL) -> None:
    if not isinstance(stmt, _CHANGE_TYPES):
        kind = next((name for cls, name in _KIND_NAMES.items() if isinstance(stmt, cls)), None)
        if kind is None:
            word = str(stmt.this).split()[0].upper() if isinstance(stmt, exp.Command) and stmt.this else \
                type(stmt).__name__.upper()
            kind = f"a {word} statement"
        raise _refuse(f"Only data changes (UPDATE, INSERT, DELETE) are allowed here, not {kind}.", shown)

    ctes = _cte_names(stmt)
    for name in ctes:
        if schema.find(name) is not None:
            raise _refuse(f"The CTE name {name!r} hides the table of the same name: rename the CTE.", shown)

    # the table written to
    tgt = _statement_target(stmt)
    if tgt is None or not isinstance(tgt.this, exp.Identifier):
        raise _refuse("The statement must write to a table of the dataset.", shown)
    key = _resolve(tgt, schema, dataset, ctes=set(), shown=shown)
    if key not in allowed_targets:
        deps = ", ".join(allowed_targets[1:]) or "none"
        raise _refuse(
            f"This change is about table {target.key}: statements may write to {target.key} and the tables "
            f"that depend on it ({deps}), not to {key}. Change {key} on its own.", shown, table=key)
    if isinstance(stmt, exp.Insert) and stmt.args.get("overwrite"):
        raise _refuse("INSERT OVERWRITE is not a data change this tool accepts.", shown, table=key)

    # everything read
    for node in stmt.find_all(exp.Table):
        if node is tgt:
            continue
        inner = node.this
        if isinstance(inner, exp.Func):
            fname = _func_name(inner)
            if fname not in safe_table_funcs:
                raise _refuse(f"Table function {fname}() is not allowed: a change may only read the dataset's "
                              f"tables (no files, URLs or catalog functions).", shown)
            continue
        if not isinstance(inner, exp.Identifier):
            raise _refuse(f"{node.sql(dialect='duckdb')!r} is not a table of the dataset.", shown)
        _resolve(node, schema, dataset, ctes=ctes, shown=shown)

    for node in stmt.find_all(exp.Func):
        if isinstance(node, _DENY_FUNC_CLASSES):
            raise _refuse(f"{_func_name(node)}() reads or writes files: not allowed.", shown)
        fname = _func_name(node)
        if fname is None:
            continue
        if isinstance(node, exp.Anonymous) or fname not in _SYNTAX_NAMES:
            if fname not in safe_funcs and fname not in safe_table_funcs:
                raise _refuse(f"Function {fname}() is not allowed in a data change (only pure functions; nothing "
                              f"that touches files, URLs, settings, sequences or the catalog).", shown)

    for node in stmt.find_all(exp.Column):
        parts = [p.name.lower() for p in (node.args.get("catalog"), node.args.get("db")) if p is not None]
        if parts and parts[-1] != dataset.lower():
            raise _refuse(f"Column {node.sql(dialect='duckdb')} refers to something outside dataset {dataset}.",
                          shown)

    # RETURNING would turn a change into a query; the row counts come from DuckDB anyway
    if stmt.args.get("returning") is not None:
        stmt.set("returning", None)
    checked.targets.append(key)


def _func_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    m = _LEADING_NAME.match(node.sql(dialect="duckdb"))
    return m.group(1).lower() if m else None


def _resolve(node: exp.Table, schema: Schema, dataset: str, *, ctes: set[str], shown: str) -> str:
    """The table key a table reference names; refuse anything outside the dataset."""
    name = node.name
    catalog = node.args.get("catalog")
    db = node.args.get("db")
    if catalog is not None:
        raise _refuse(f"{node.sql(dialect='duckdb')} names another database: only dataset {dataset}'s tables "
                      f"can be used.", shown)
    if db is not None:
        if db.name.lower() != dataset.lower():
            raise _refuse(f"{node.sql(dialect='duckdb')} is outside dataset {dataset}: only its own tables "
                          f"can be used.", shown, table=name)
    elif name.lower() in ctes:
        return name
    t = _find_exact(schema, name)
    if t is None:
        raise _refuse(f"{name!r} is not a table of dataset {dataset} (tables: {', '.join(schema.tables)}).", shown)
    return t.key


def _find_exact(schema: Schema, name: str) -> Table | None:
    """A table by key or bare name (case-insensitive); never by a guessed namespace."""
    low = name.lower()
    for t in schema.tables.values():
        if t.key.lower() == low:
            return t
    for t in schema.tables.values():
        if t.name.lower() == low:
            return t
    return None


def _qualify(stmt: exp.Expression, schema: Schema, physical: Mapping[str, str], db_schema: str) -> exp.Expression:
    """Point every dataset table at ``"<db_schema>"."<stored name>"`` (CTE references left alone)."""
    ctes = _cte_names(stmt)
    for node in list(stmt.find_all(exp.Table)):
        if not isinstance(node.this, exp.Identifier):
            continue
        if node.args.get("db") is None and node.name.lower() in ctes:
            continue
        t = _find_exact(schema, node.name)
        if t is None:
            continue
        stored = physical.get(t.key, t.key)
        alias = node.args.get("alias")
        if alias is None and node.name != stored and not isinstance(node.parent, (exp.Schema,)) \
                and node is not _statement_target(stmt):
            # keep column references such as orders.id working after a rename
            node.set("alias", exp.TableAlias(this=_ident(node.name)))
        node.set("this", _ident(stored))
        node.set("db", _ident(db_schema))
        node.set("catalog", None)
    return stmt
