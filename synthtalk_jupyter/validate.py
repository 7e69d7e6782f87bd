"""Validation: does the stored data honour every constraint of its schema?

Everything is counted by DuckDB queries (one aggregate query per table for NOT NULL, CHECK and
type fit, one query per PK/UNIQUE set and per FK), so a million rows take well under a second.

* PRIMARY KEY / UNIQUE: duplicate rows (rows beyond the first of each key value); rows with a
  NULL in the key are not duplicates. NULLs in a PK column are counted as NOT NULL violations.
* FOREIGN KEY: orphan rows (composite too); rows with a NULL in the FK are skipped (MATCH SIMPLE).
* NOT NULL: NULLs in a NOT NULL or PK column (computed columns excluded: the database computes them).
* CHECK: rows where the check is FALSE (``WHERE NOT (pred)``; NULL passes, as in SQL). Checks with no
  DuckDB translation are listed in ``not_verified``, not counted.
* type fit: strings longer than VARCHAR(n)/CHAR(n), bytes longer than n, integers outside the
  declared type's range (MEDIUMINT, UNSIGNED ...), DECIMAL(p,s) stored as DOUBLE (p > 38) out of
  range, ENUM / SET members.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import duckdb

from .schema.model import Column, Kind, Schema, Table
from .store import qualified, quote_ident

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

KINDS = ("primary key", "unique", "foreign key", "not null", "check", "type")


@dataclass
class Finding:
    """One constraint checked on one table, with the number of violating rows."""

    table: str
    kind: str  # one of KINDS
    constraint: str  # human label: "PRIMARY KEY (a, b)", "FOREIGN KEY (x) -> t(y)", "CHECK ck_price" ...
    columns: tuple[str, ...]
    count: int
    detail: str = ""  # what is counted: "duplicate rows", "orphan rows", "NULLs", "rows failing" ...

    def __str__(self) -> str:
        return f"{self.table}: {self.constraint}: {self.count:,} {self.detail}".rstrip()


@dataclass
class NotVerified:
    table: str
    kind: str
    constraint: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table}: {self.constraint} not verified ({self.reason})"


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)
    not_verified: list[NotVerified] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    dataset: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(f.count == 0 for f in self.findings)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.count > 0]

    @property
    def total_violations(self) -> int:
        return sum(f.count for f in self.findings)

    def counts(self) -> dict[str, dict[str, int]]:
        """table -> constraint label -> violating rows (every checked constraint, zeros included)."""
        out: dict[str, dict[str, int]] = {}
        for f in self.findings:
            out.setdefault(f.table, {})[f.constraint] = f.count
        return out

    def count(self, table: str | None = None, kind: str | None = None) -> int:
        return sum(f.count for f in self.findings
                   if (table is None or f.table.lower() == table.lower()) and (kind is None or f.kind == kind))

    def summary(self) -> str:
        rows = sum(self.row_counts.values())
        by_kind: dict[str, int] = {}
        for f in self.findings:
            by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
        checked = ", ".join(f"{n} {k}" for k, n in by_kind.items())
        head = (f"{self.total_violations:,} violations" if not self.ok else "0 violations")
        text = (f"{head} in {len(self.row_counts)} tables ({rows:,} rows); "
                f"{len(self.findings)} constraints checked ({checked})")
        if self.not_verified:
            text += f"; {len(self.not_verified)} not verified"
        return text

    def __str__(self) -> str:
        lines = [("OK: " if self.ok else "FAILED: ") + self.summary()]
        for f in self.violations:
            lines.append(f"  - {f}")
        for n in self.not_verified:
            lines.append(f"  ? {n}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<ValidationReport ok={self.ok}: {self.summary()}>"

    def to_frame(self, violations_only: bool = False) -> "pd.DataFrame":
        import pandas as pd

        rows = [{"table": f.table, "kind": f.kind, "constraint": f.constraint, "columns": ", ".join(f.columns),
                 "count": f.count, "detail": f.detail}
                for f in self.findings if not violations_only or f.count > 0]
        rows += [{"table": n.table, "kind": n.kind, "constraint": n.constraint, "columns": "",
                  "count": None, "detail": f"not verified: {n.reason}"}
                 for n in self.not_verified if not violations_only]
        frame = pd.DataFrame(rows, columns=["table", "kind", "constraint", "columns", "count", "detail"])
        frame["count"] = frame["count"].astype("Int64")
        return frame


# --------------------------------------------------------------------------------------------


def _cols(names: Iterable[str]) -> str:
    return ", ".join(names)


def _fk_label(fk, schema: Schema) -> str:
    ref = schema.tables.get(fk.ref_table)
    ref_name = ref.qualified_name if ref is not None else fk.ref_table
    name = f" {fk.name}" if fk.name else ""
    return f"FOREIGN KEY{name} ({_cols(fk.columns)}) -> {ref_name}({_cols(fk.ref_columns)})"


def _type_label(c: Column) -> str:
    return c.type.raw or c.type.sql or c.type.kind.value


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _type_checks(t: Table) -> list[tuple[Column, str, str]]:
    """(column, violation predicate, what is counted) for every type-fit rule of the table."""
    out = []
    for c in t.columns:
        if c.is_generated:
            continue
        q = quote_ident(c.name)
        ct = c.type
        k = ct.kind
        if k == Kind.STRING and ct.length:
            out.append((c, f"length(CAST({q} AS VARCHAR)) > {int(ct.length)}", f"values longer than {ct.length}"))
        elif k == Kind.BYTES and ct.length:
            out.append((c, f"octet_length(CAST({q} AS BLOB)) > {int(ct.length)}", f"values longer than {ct.length} bytes"))
        elif k == Kind.INT and ct.bits:
            lo, hi = ct.int_range()
            out.append((c, f"({q} < {lo} OR {q} > {hi})", f"values outside [{lo}, {hi}]"))
        elif k == Kind.DECIMAL and ct.precision and ct.precision > 38:
            bound = f"1e{ct.precision - (ct.scale or 0)}"
            out.append((c, f"abs(CAST({q} AS DOUBLE)) >= {bound}", f"values with more than "
                        f"{ct.precision - (ct.scale or 0)} integer digits"))
        elif k == Kind.ENUM and ct.values:
            members = ", ".join(_sql_str(v) for v in ct.values)
            out.append((c, f"CAST({q} AS VARCHAR) NOT IN ({members})", "values not in the ENUM"))
        elif k == Kind.SET and ct.values:
            members = ", ".join(_sql_str(v) for v in ct.values)
            out.append((c, f"(CAST({q} AS VARCHAR) <> '' AND len(list_filter(string_split(CAST({q} AS VARCHAR), ','), "
                           f"lambda x: x NOT IN ({members}))) > 0)", "values not made of SET members"))
    return out


class _Runner:
    """Runs the validation queries. Each query is first bound against an empty copy of the tables in
    a scratch in-memory database: a query DuckDB rejects never reaches the real connection, where an
    error would abort the caller's transaction (modify validates inside its own transaction)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, db_schema: str):
        self.con = con
        self.db_schema = db_schema
        self.scratch = duckdb.connect(":memory:")
        self.scratch.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(db_schema)}")
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE lower(schema_name) = lower(?) "
            "ORDER BY table_name, column_index", [db_schema]).fetchall()
        tables: dict[str, list[str]] = {}
        for tname, cname, dtype in rows:
            tables.setdefault(tname, []).append(f"{quote_ident(cname)} {dtype}")
        for tname, cols in tables.items():
            try:
                self.scratch.execute(f"CREATE TABLE {qualified(db_schema, tname)} ({', '.join(cols)})")
            except duckdb.Error:  # an exotic type: queries on this table are then tried for real
                pass

    def close(self) -> None:
        self.scratch.close()

    def binds(self, sql: str) -> Exception | None:
        try:
            self.scratch.execute(sql).fetchall()
            return None
        except duckdb.Error as e:
            return e

    def scalar_many(self, sqls: list[str]) -> list[Any]:
        """Several scalar queries in one round trip (an Exception in place of a query that fails)."""
        out: list[Any] = [self.binds(f"SELECT ({s})") for s in sqls]
        good = [i for i, e in enumerate(out) if e is None]
        if good:
            row = self.con.execute("SELECT " + ", ".join(f"({sqls[i]})" for i in good)).fetchall()[0]
            for i, v in zip(good, row):
                out[i] = v
        return out

    def aggregate(self, table_sql: str, preds: list[str]) -> list[Any]:
        """count(*) FILTER (WHERE pred) for each predicate, in one scan."""
        out: list[Any] = [self.binds(f"SELECT count(*) FILTER (WHERE {p}) FROM {table_sql}") for p in preds]
        good = [i for i, e in enumerate(out) if e is None]
        if good:
            row = self.con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {preds[i]})" for i in good)
                                   + f" FROM {table_sql}").fetchall()[0]
            for i, v in zip(good, row):
                out[i] = v
        return out


def _existing_tables(con: duckdb.DuckDBPyConnection, db_schema: str) -> dict[str, str]:
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE lower(schema_name) = lower(?)",
                       [db_schema]).fetchall()
    return {r[0].lower(): r[0] for r in rows}


def validate(target: Any, schema: Schema | None = None, *, db_schema: str | None = None,
             tables: Iterable[str] | None = None, physical: Mapping[str, str] | None = None,
             checks: bool = True, types: bool = True) -> ValidationReport:
    """Validate a :class:`~synthtalk_jupyter.dataset.Dataset` (its store is opened read-only for the
    duration) or the tables in ``db_schema`` of an open DuckDB connection against ``schema``.

    ``tables`` limits the tables checked (FKs from other tables into them are still checked when
    those tables are listed); ``physical`` maps table keys to stored table names (default: the key).
    """
    started = time.perf_counter()
    if isinstance(target, duckdb.DuckDBPyConnection):
        if schema is None:
            raise TypeError("validate(con, schema, db_schema=...): the schema is required with a connection")
        report = _validate(target, schema, db_schema or "main", tables, physical, checks, types)
    else:  # a Dataset (anything with .store, .name, .schema, .tables)
        ds = target
        schema = schema if schema is not None else ds.schema
        with ds.store.connect(read_only=ds.store._ro()) as con:
            report = _validate(con, schema, db_schema or ds.name, tables if tables is not None else ds.tables,
                               physical, checks, types)
        report.dataset = ds.name
    report.seconds = time.perf_counter() - started
    return report


def _validate(con: duckdb.DuckDBPyConnection, schema: Schema, db_schema: str, tables: Iterable[str] | None,
              physical: Mapping[str, str] | None, do_checks: bool, do_types: bool) -> ValidationReport:
    physical = dict(physical or {})
    existing = _existing_tables(con, db_schema)
    keys = [k for k in (tables if tables is not None else schema.tables) if k in schema.tables]
    report = ValidationReport()
    run = _Runner(con, db_schema)
    try:
        _run_all(con, schema, db_schema, keys, physical, existing, report, run, do_checks, do_types)
    finally:
        run.close()
    return report


def _run_all(con, schema, db_schema, keys, physical, existing, report, run, do_checks, do_types) -> None:

    def where(key: str) -> str | None:
        stored = physical.get(key, key)
        real = existing.get(stored.lower())
        return qualified(db_schema, real) if real else None

    dialect = schema.dialect or ""
    for key in keys:
        t = schema.tables[key]
        tsql = where(key)
        if tsql is None:
            report.not_verified.append(NotVerified(key, "table", key, "table not in the store"))
            continue
        report.row_counts[key] = int(con.execute(f"SELECT count(*) FROM {tsql}").fetchall()[0][0])

        # -- one scan: NOT NULL, CHECK, type fit ---------------------------------------------
        items: list[tuple[str, str, tuple[str, ...], str, str]] = []  # kind, label, cols, detail, pred
        not_null = [c for c in t.columns if not c.is_generated and
                    (not c.nullable or any(c.name.lower() == p.lower() for p in t.primary_key))]
        for c in not_null:
            items.append(("not null", f"NOT NULL {c.name}", (c.name,), "NULLs", f"{quote_ident(c.name)} IS NULL"))
        if do_checks and t.checks:
            try:
                from .generation.checks import check_label, check_to_duckdb
            except ImportError:  # pragma: no cover - the engine's check module is part of the package
                check_label = check_to_duckdb = None  # type: ignore[assignment]
            for i, chk in enumerate(t.checks):
                label = "CHECK " + (check_label(t, chk, i) if check_label else (chk.name or f"check_{i}"))
                pred = check_to_duckdb(chk, t, dialect) if check_to_duckdb else None
                if not pred:
                    report.not_verified.append(NotVerified(key, "check", label,
                                                           f"no DuckDB translation of {chk.sql!r}"))
                    continue
                items.append(("check", label, tuple(chk.columns), "rows failing", f"NOT ({pred})"))
        if do_types:
            for c, pred, detail in _type_checks(t):
                items.append(("type", f"{_type_label(c)} {c.name}", (c.name,), detail, pred))
        for (kind, label, cols, detail, pred), n in zip(items, run.aggregate(tsql, [i[4] for i in items])):
            if isinstance(n, Exception):
                report.not_verified.append(NotVerified(key, kind, label, f"query failed: {str(n).splitlines()[0]}"))
            else:
                report.findings.append(Finding(key, kind, label, cols, int(n), detail))

        # -- keys: PK / UNIQUE duplicates, FK orphans -----------------------------------------
        key_items: list[tuple[str, str, tuple[str, ...], str, str]] = []
        for idx, uset in enumerate(t.unique_sets()):
            cols = [quote_ident(t.column(c).name) if t.has_column(c) else quote_ident(c) for c in uset]
            is_pk = idx == 0 and tuple(uset) == tuple(t.primary_key)
            nonnull = " AND ".join(f"{c} IS NOT NULL" for c in cols)
            sql = (f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM {tsql} WHERE {nonnull} "
                   f"GROUP BY {', '.join(cols)} HAVING count(*) > 1)")
            kind = "primary key" if is_pk else "unique"
            label = f"{'PRIMARY KEY' if is_pk else 'UNIQUE'} ({_cols(uset)})"
            key_items.append((kind, label, tuple(uset), "duplicate rows", sql))
        for fk in t.foreign_keys:
            label = _fk_label(fk, schema)
            psql = where(fk.ref_table) if fk.ref_table in schema.tables else None
            if psql is None:
                report.not_verified.append(NotVerified(key, "foreign key", label,
                                                       f"referenced table {fk.ref_table} not in the store"))
                continue
            key_items.append(("foreign key", label, tuple(fk.columns), "orphan rows",
                              _orphan_sql(tsql, psql, fk.columns, fk.ref_columns, cast=False)))
        results = run.scalar_many([i[4] for i in key_items])
        for (kind, label, cols, detail, sql), n in zip(key_items, results):
            if isinstance(n, Exception) and kind == "foreign key":
                # e.g. a VARCHAR column referencing an INTEGER key: compare as text
                fk = next(f for f in t.foreign_keys if _fk_label(f, schema) == label)
                psql = where(fk.ref_table)
                n = run.scalar_many([_orphan_sql(tsql, psql, fk.columns, fk.ref_columns, cast=True)])[0]
            if isinstance(n, Exception) or n is None:
                report.not_verified.append(NotVerified(key, kind, label, f"query failed: {str(n).splitlines()[0]}"))
            else:
                report.findings.append(Finding(key, kind, label, cols, int(n), detail))


def _orphan_sql(child: str, parent: str, cols: Iterable[str], ref_cols: Iterable[str], *, cast: bool) -> str:
    cols, ref_cols = list(cols), list(ref_cols)

    def c(alias: str, name: str) -> str:
        e = f"{alias}.{quote_ident(name)}"
        return f"CAST({e} AS VARCHAR)" if cast else e

    nonnull = " AND ".join(f"c.{quote_ident(x)} IS NOT NULL" for x in cols)
    match = " AND ".join(f"{c('p', r)} = {c('c', x)}" for x, r in zip(cols, ref_cols))
    return (f"SELECT count(*) FROM {child} AS c WHERE {nonnull} AND NOT EXISTS "
            f"(SELECT 1 FROM {parent} AS p WHERE {match})")
