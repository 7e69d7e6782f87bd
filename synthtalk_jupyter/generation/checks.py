"""CHECK constraints -> generation rules, and CHECK -> DuckDB predicate.

``analyze_table_checks(table, dialect)`` reads every ``Check`` of a table (sqlglot
expressions parsed in the source dialect) and turns what it understands into

* one ``ColumnRule`` per constrained column (bounds, allowed values, excluded
  values, string lengths, LIKE patterns, NOT NULL ...), intersected over all
  checks of the table;
* ``Ordering`` s between two columns of the same row (``EndDate >= StartDate``);
* ``residual``: checks (or parts of checks) the rules do not capture fully; the
  engine evaluates them in DuckDB and regenerates the failing rows;
* ``predicates``: a DuckDB predicate for every check that transpiles (used by the
  engine for residual checks and by validation);
* ``untranslatable``: checks DuckDB cannot evaluate (report them).

Semantics: a CHECK passes when its expression is TRUE or NULL; all rules describe
non-NULL values only (a NULL value satisfies every rule except ``not_null``).

Value conventions in the rules (python values typed by the column's ``Kind``):

* INT: ``int`` bounds, always normalised to inclusive (``x > 0`` -> ``low=1``).
* DECIMAL with a known scale: ``Decimal`` bounds normalised to inclusive at that
  scale (``x > 0.00`` on DECIMAL(8,2) -> ``low=Decimal('0.01')``); without a scale
  the ``*_inclusive`` flags tell.
* DATE: ``datetime.date`` bounds, inclusive.
* TIMESTAMP / TIMESTAMPTZ: naive ``datetime`` (UTC for zoned values); TIME: ``time``;
  FLOAT: ``float``; strings: ``str``. For these the ``*_inclusive`` flags tell.
* Column-free expressions (``DATEADD(YEAR, -18, GETDATE())``, ``now() - interval
  '18 years'``, ``DATE '2020-01-01'``) are evaluated once, at analysis time, in an
  in-memory DuckDB (time zone UTC).
* ``ranges``: half-open ``[lo, hi)`` pairs, the allowed values are their union
  (``None`` = unbounded on that side); ``low``/``high`` are then the envelope.
* ``choices``: the allowed values (already filtered by every other rule of the
  column); ``[]`` means no non-NULL value can satisfy the checks.
* ``like``: the value must match AT LEAST ONE of these patterns (SQL ``%``/``_``;
  for T-SQL also ``[a-z]``/``[^0-9]`` classes). A pattern without wildcards is an
  exact value (``Shelf LIKE '[A-Za-z]' OR Shelf = 'N/A'`` -> ``['[A-Za-z]', 'N/A']``).
* ``not_like``: patterns the value must not match (these checks also stay residual).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

import duckdb
from sqlglot import exp

from ..schema.model import Check, Column, Kind, Table
from ..schema.storage_types import duckdb_type as storage_duckdb_type

__all__ = [
    "ColumnRule",
    "Ordering",
    "TableRules",
    "analyze_table_checks",
    "check_to_duckdb",
    "check_label",
    "like_to_regex",
    "duckdb_type",
]


# --------------------------------------------------------------------------- API


@dataclass
class ColumnRule:
    """What must hold for one column's non-NULL values."""

    column: str
    low: Any = None
    high: Any = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    ranges: list[tuple[Any, Any]] | None = None  # union of half-open [lo, hi)
    choices: list | None = None  # allowed values
    excluded: list | None = None  # NOT IN / <> values
    min_length: int | None = None
    max_length: int | None = None
    like: list[str] | None = None  # must match at least one pattern
    null_ok: bool = False  # an explicit `x IS NULL OR ...` was seen
    not_null: bool = False  # CHECK (x IS NOT NULL)
    not_like: list[str] | None = None  # must match none of these patterns


@dataclass
class Ordering:
    """``left op right (+ offset)`` for two columns of the same row."""

    left: str
    op: str  # '<', '<=', '>', '>=', '=', '<>'
    right: str
    null_ok: bool = False  # `... OR left/right IS NULL`
    offset: Any = None  # int / Decimal / float / datetime.timedelta


@dataclass
class TableRules:
    columns: dict[str, ColumnRule] = field(default_factory=dict)
    orderings: list[Ordering] = field(default_factory=list)
    residual: list[Check] = field(default_factory=list)
    predicates: dict[str, str] = field(default_factory=dict)
    untranslatable: list[Check] = field(default_factory=list)
    captured: list[Check] = field(default_factory=list)  # checks fully captured by the rules
    labels: dict[int, str] = field(default_factory=dict)  # id(check) -> label
    notes: list[str] = field(default_factory=list)  # e.g. contradictory checks

    def label(self, check: Check) -> str | None:
        return self.labels.get(id(check))


def check_label(table: Table, check: Check, index: int) -> str:
    """The check's name, or ``check_<index>``; a name used twice in the table gets ``_<index>``.

    ``index`` is the check's 0-based position in ``table.checks`` (what
    ``analyze_table_checks`` and the validator pass)."""
    if check.name:
        low = check.name.lower()
        same = [c for c in table.checks if c.name and c.name.lower() == low]
        if len(same) <= 1:
            return check.name
        return f"{check.name}_{index}"
    return f"check_{index}"


# ------------------------------------------------------------ DuckDB helpers

_LOCK = threading.Lock()
_CON: duckdb.DuckDBPyConnection | None = None
_EVAL_CACHE: dict[str, Any] = {}


def _con() -> duckdb.DuckDBPyConnection:
    global _CON
    if _CON is None:
        _CON = duckdb.connect(":memory:")
        _CON.execute("SET TimeZone = 'UTC'")
    return _CON


class _NoValue(Exception):
    pass


def _eval_constant(e: exp.Expression) -> Any:
    """Evaluate a column-free expression in DuckDB; raises _NoValue."""
    try:
        sql = _to_duckdb_sql(e.copy(), None, "")
    except Exception as ex:  # noqa: BLE001
        raise _NoValue(str(ex)) from ex
    if sql in _EVAL_CACHE:
        v = _EVAL_CACHE[sql]
        if v is _NoValue:
            raise _NoValue(sql)
        return v
    with _LOCK:
        try:
            con = _con()
            typ = con.execute(f"SELECT typeof(({sql}))").fetchone()[0]
            if typ.upper().startswith("TIMESTAMP WITH TIME ZONE"):
                v = con.execute(f"SELECT CAST(({sql}) AS TIMESTAMP)").fetchone()[0]
            elif typ.upper().startswith("TIME WITH TIME ZONE"):
                v = con.execute(f"SELECT CAST(({sql}) AS TIME)").fetchone()[0]
            else:
                v = con.execute(f"SELECT ({sql})").fetchone()[0]
        except Exception as ex:  # noqa: BLE001
            _EVAL_CACHE[sql] = _NoValue
            raise _NoValue(str(ex)) from ex
    if not _volatile(e):
        _EVAL_CACHE[sql] = v
    return v


_VOLATILE = (exp.CurrentTimestamp, exp.CurrentDate, exp.CurrentTime, exp.CurrentDatetime, exp.Rand)
_VOLATILE_NAMES = {"now", "getdate", "getutcdate", "sysdate", "systimestamp", "sysdatetime",
                   "current_timestamp", "localtimestamp", "random", "rand", "newid"}


def _volatile(e: exp.Expression) -> bool:
    """True when the expression depends on the clock (or randomness)."""
    for n in e.walk():
        if isinstance(n, _VOLATILE):
            return True
        if isinstance(n, (exp.Anonymous, exp.Column)) and n.name.lower() in _VOLATILE_NAMES:
            return True
    return False


# a lower bound computed from the clock rises with time: keep generated values this far above it
CLOCK_MARGIN = {Kind.DATE: dt.timedelta(days=1), Kind.TIMESTAMP: dt.timedelta(hours=1),
                Kind.TIMESTAMPTZ: dt.timedelta(hours=1)}


def duckdb_type(col: Column) -> str:
    """The DuckDB type predicates are type-checked with: the store's own type for the column."""
    return storage_duckdb_type(col.type)


def _validate_predicate(pred: str, table: Table) -> bool:
    cols = ", ".join(
        f"CAST(NULL AS {duckdb_type(c)}) AS {_quote(c.name)}" for c in table.columns
    ) or "1 AS __dummy"
    sql = f"SELECT count(*) FROM (SELECT {cols}) AS t WHERE NOT ({pred})"
    with _LOCK:
        try:
            _con().execute(sql).fetchall()
            return True
        except Exception:  # noqa: BLE001
            return False


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -------------------------------------------------------- expression helpers


def _strip(e: exp.Expression) -> exp.Expression:
    while isinstance(e, exp.Paren):
        e = e.this
    return e


def _denegate(e: exp.Expression) -> exp.Expression:
    """sqlglot keeps `x NOT LIKE p` as Like(negate=True): make it Not(Like)."""
    if isinstance(e, (exp.Like, exp.ILike, exp.Is)) and e.args.get("negate"):
        inner = e.copy()
        inner.set("negate", None)
        return exp.Not(this=inner)
    return e


def _flatten(e: exp.Expression, kind: type) -> list[exp.Expression]:
    e = _strip(e)
    if isinstance(e, kind):
        return _flatten(e.this, kind) + _flatten(e.expression, kind)
    return [e]


def _resolve_value(e: exp.Expression, table: Table, check: Check) -> exp.Expression:
    """Domain checks say VALUE: map it to the checked column."""
    target = None
    if check.columns and len(check.columns) == 1 and table.has_column(check.columns[0]):
        target = table.column(check.columns[0]).name
    if target is None or table.has_column("VALUE"):
        return e

    def tf(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and not n.table and n.name.upper() == "VALUE":
            return exp.column(target, quoted=True)
        return n

    return e.transform(tf)


def _table_col(table: Table, e: exp.Expression) -> str | None:
    e = _strip(e)
    if isinstance(e, exp.Column) and table.has_column(e.name):
        return table.column(e.name).name
    return None


def _has_table_column(table: Table | None, e: exp.Expression) -> bool:
    for c in e.find_all(exp.Column):
        if table is None or table.has_column(c.name):
            return True
    return False


_LENGTH_ANON = {"length", "len", "char_length", "character_length", "lengthb", "octet_length",
                "datalength", "byte_length", "lengthc", "length2", "length4", "strlen"}
_BYTE_LENGTH = {"lengthb", "octet_length", "datalength", "byte_length", "strlen"}


def _subject(table: Table, e: exp.Expression) -> tuple[str, str | None] | None:
    """(column, wrapper) for `col`, upper(col), lower(col), trim(col), length(col)."""
    e = _strip(e)
    col = _table_col(table, e)
    if col:
        return col, None
    if isinstance(e, exp.Cast) and e.to.is_type(*exp.DataType.TEXT_TYPES):
        return _subject(table, e.this)
    if isinstance(e, (exp.Upper, exp.Lower)):
        inner = _subject(table, e.this)
        if inner and inner[1] is None:
            return inner[0], "upper" if isinstance(e, exp.Upper) else "lower"
        return None
    if isinstance(e, exp.Trim):
        inner = _subject(table, e.this)
        if inner and inner[1] in (None, "trim") and not e.args.get("expression"):
            return inner[0], "trim"
        return None
    if isinstance(e, exp.Length):
        inner = _subject(table, e.this)
        if inner and inner[1] is None:
            return inner[0], "length"
        return None
    if isinstance(e, exp.Anonymous) and e.name.lower() in _LENGTH_ANON and len(e.expressions) == 1:
        inner = _subject(table, e.expressions[0])
        if inner and inner[1] is None:
            return inner[0], "bytelength" if e.name.lower() in _BYTE_LENGTH else "length"
    return None


def _const(table: Table, e: exp.Expression) -> Any:
    """Python value of a column-free expression; raises _NoValue."""
    e = _strip(e)
    if isinstance(e, exp.Literal):
        if e.is_string:
            return e.this
        return _num(e.this)
    if isinstance(e, exp.Neg):
        v = _const(table, e.this)
        if isinstance(v, (int, float, Decimal)):
            return -v
        raise _NoValue("neg")
    if isinstance(e, exp.Boolean):
        return bool(e.this)
    if isinstance(e, exp.Null):
        raise _NoValue("null")
    if isinstance(e, exp.National):
        return e.this
    if _has_table_column(table, e) or e.find(exp.Select, exp.Subquery):
        raise _NoValue("column")
    return _eval_constant(e)


def _num(s: str) -> int | Decimal | float:
    try:
        if re.fullmatch(r"[+-]?\d+", s):
            return int(s)
        return Decimal(s)
    except (InvalidOperation, ValueError):
        return float(s)


# ------------------------------------------------------------ value typing


class _Unsupported(Exception):
    pass


def _parse_datetime(s: str) -> dt.datetime:
    s = s.strip()
    try:
        v = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        # '2022-01-01 00:00:00+00' and other short offsets
        m = re.fullmatch(r"(.*[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)([+-]\d\d)$", s)
        if not m:
            raise _Unsupported(s) from None
        v = dt.datetime.fromisoformat(m.group(1) + m.group(2) + ":00")
    return _naive(v)


def _naive(v: dt.datetime) -> dt.datetime:
    if v.tzinfo is not None:
        v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return v


def _typed(col: Column, v: Any, *, ordered: bool = True) -> Any:
    """Convert a constant to the python type used for the column's rules.

    DATE columns are accumulated as datetimes (finalised to dates)."""
    k = col.type.kind
    if isinstance(v, bool) and k != Kind.BOOL:
        v = int(v)
    if k == Kind.INT:
        if isinstance(v, str):
            v = _num(v.strip())
        if isinstance(v, float):
            v = Decimal(repr(v))
        if isinstance(v, (int, Decimal)):
            return v
        raise _Unsupported(v)
    if k == Kind.DECIMAL:
        if isinstance(v, str):
            v = _num(v.strip())
        if isinstance(v, float):
            return Decimal(repr(v))
        if isinstance(v, int):
            return Decimal(v)
        if isinstance(v, Decimal):
            return v
        raise _Unsupported(v)
    if k == Kind.FLOAT:
        if isinstance(v, str):
            v = _num(v.strip())
        if isinstance(v, (int, float, Decimal)):
            return float(v)
        raise _Unsupported(v)
    if k in (Kind.DATE, Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
        if isinstance(v, str):
            return _parse_datetime(v)
        if isinstance(v, dt.datetime):
            return _naive(v)
        if isinstance(v, dt.date):
            return dt.datetime(v.year, v.month, v.day)
        raise _Unsupported(v)
    if k == Kind.TIME:
        if isinstance(v, str):
            try:
                return dt.time.fromisoformat(v.strip())
            except ValueError:
                raise _Unsupported(v) from None
        if isinstance(v, dt.time):
            return v.replace(tzinfo=None)
        raise _Unsupported(v)
    if k == Kind.BOOL:
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, Decimal)) and v in (0, 1):
            return bool(v)
        if isinstance(v, str) and v.strip().lower() in ("t", "true", "1", "y", "yes", "f", "false", "0", "n", "no"):
            return v.strip().lower() in ("t", "true", "1", "y", "yes")
        raise _Unsupported(v)
    # strings and everything else
    if isinstance(v, str):
        return v
    if ordered:
        raise _Unsupported(v)  # number vs string column: text ordering differs
    return str(v)


# ------------------------------------------------------------ constraints


@dataclass
class _C:
    kind: str  # low high choices excluded minlen maxlen like notlike notnull nullok ordering ranges
    col: str | None = None
    value: Any = None
    inc: bool = True


@dataclass
class _Atom:
    cons: list[_C]
    exact: bool = True


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>"}
_OPS = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}


def _op_of(e: exp.Expression) -> str | None:
    for cls, op in _OPS.items():
        if type(e) is cls:
            return op
    return None


class _Analyzer:
    def __init__(self, table: Table, dialect: str):
        self.table = table
        self.dialect = (dialect or "").lower()

    # -- atoms ------------------------------------------------------------
    def atom(self, e: exp.Expression) -> _Atom | None:
        e = _denegate(_strip(e))
        try:
            if isinstance(e, exp.And):
                parts = [self.atom(p) for p in _flatten(e, exp.And)]
                if any(p is None for p in parts):
                    return None
                return _Atom([c for p in parts for c in p.cons], all(p.exact for p in parts))
            if isinstance(e, exp.Or):
                return self.disjunction(e)
            op = _op_of(e)
            if op:
                return self.comparison(e.this, op, e.expression)
            if isinstance(e, exp.Between):
                return self.between(e)
            if isinstance(e, exp.In):
                return self.in_list(e, negated=False)
            if isinstance(e, exp.Like):
                return self.like(e)
            if isinstance(e, exp.Not):
                inner = _strip(e.this)
                inner = _denegate(inner)
                if isinstance(inner, exp.Not):  # NOT NOT x
                    return self.atom(inner.this)
                if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
                    col = _table_col(self.table, inner.this)
                    return _Atom([_C("notnull", col)]) if col else None
                if isinstance(inner, exp.In):
                    return self.in_list(inner, negated=True)
                if isinstance(inner, exp.Between):
                    lo, hi = inner.args["low"], inner.args["high"]
                    return self.disjunction(
                        exp.or_(exp.LT(this=inner.this.copy(), expression=lo.copy()),
                                exp.GT(this=inner.this.copy(), expression=hi.copy()))
                    )
                if isinstance(inner, exp.Like):
                    sub = _subject(self.table, inner.this)
                    pat = _strip(inner.expression)
                    if sub and sub[1] is None and isinstance(pat, exp.Literal) and pat.is_string:
                        return _Atom([_C("notlike", sub[0], pat.this)], exact=False)
                    return None
                op = _op_of(inner)
                if op:
                    neg = {"=": "<>", "<>": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}[op]
                    return self.comparison(inner.this, neg, inner.expression)
                return None
        except (_NoValue, _Unsupported):
            return None
        return None

    def comparison(self, left: exp.Expression, op: str, right: exp.Expression) -> _Atom | None:
        t = self.table
        lcol, rcol = _table_col(t, left), _table_col(t, right)
        # column vs column (optionally with an offset on either side)
        o = self.ordering(left, op, right)
        if o is not None:
            return _Atom([_C("ordering", value=o)])
        if lcol and rcol:
            return None
        sub = _subject(t, left)
        other = right
        if sub is None:
            sub = _subject(t, right)
            other = left
            op = _FLIP[op]
        if sub is None:
            return None
        col, wrap = sub
        quant = _strip(other)
        qkind = None
        if isinstance(quant, (exp.Any, exp.All)):
            qkind, qarg = ("any" if isinstance(quant, exp.Any) else "all"), quant.this
        elif isinstance(quant, exp.Anonymous) and quant.name.upper() in ("ANY", "ALL", "SOME") \
                and len(quant.expressions) == 1:
            qkind, qarg = ("all" if quant.name.upper() == "ALL" else "any"), quant.expressions[0]
        if qkind:
            # pg_dump's IN lists: x = ANY (ARRAY[...]), x <> ALL (ARRAY[...])
            if wrap is not None or (op, qkind) not in (("=", "any"), ("<>", "all")):
                return None
            arr = _strip(qarg)
            while isinstance(arr, (exp.Cast, exp.Paren)):
                arr = arr.this
            if not isinstance(arr, exp.Array):
                return None
            items = [exp.In(this=exp.column(col, quoted=True), expressions=[x.copy() for x in arr.expressions])]
            return self.in_list(items[0], negated=op == "<>")
        v = _const(t, other)
        column = t.column(col)
        if wrap is None:
            if op == "=":
                return _Atom([_C("choices", col, [_typed(column, v, ordered=False)])])
            if op == "<>":
                tv = _typed(column, v, ordered=False)
                cons = [_C("excluded", col, [tv])]
                if tv == "" and column.type.kind in (Kind.STRING, Kind.OTHER, Kind.ENUM):
                    cons.append(_C("minlen", col, 1))
                return _Atom(cons)
            tv = _typed(column, v)
            if op in (">", ">="):
                if column.type.kind in CLOCK_MARGIN and _volatile(other):
                    tv = tv + CLOCK_MARGIN[column.type.kind]
                return _Atom([_C("low", col, tv, op == ">=")])
            return _Atom([_C("high", col, tv, op == "<=")])
        if wrap in ("upper", "lower", "trim"):
            if not isinstance(v, str):
                return None
            fits = _case_fits(v, wrap)
            if op == "=":
                return _Atom([_C("choices", col, [v] if fits else [])])
            if op == "<>":
                if wrap == "trim" and v == "":
                    return _Atom([_C("excluded", col, [""]), _C("minlen", col, 1)], exact=False)
                return _Atom([_C("excluded", col, [v])], exact=False)
            return None
        # length
        if not isinstance(v, (int, Decimal, float)):
            if isinstance(v, str) and re.fullmatch(r"\d+", v.strip()):
                v = int(v)
            else:
                return None
        exact = wrap == "length"
        d = Decimal(str(v))
        if op == "=":
            if d != d.to_integral_value():
                return _Atom([_C("maxlen", col, -1)], exact)
            return _Atom([_C("minlen", col, int(d)), _C("maxlen", col, int(d))], exact)
        if op == "<>":
            return None
        if op == ">":
            return _Atom([_C("minlen", col, int(d.to_integral_value(ROUND_FLOOR)) + 1)], exact)
        if op == ">=":
            return _Atom([_C("minlen", col, int(d.to_integral_value(ROUND_CEILING)))], exact)
        if op == "<":
            return _Atom([_C("maxlen", col, int(d.to_integral_value(ROUND_CEILING)) - 1)], exact)
        return _Atom([_C("maxlen", col, int(d.to_integral_value(ROUND_FLOOR)))], exact)

    def _offset_side(self, e: exp.Expression) -> tuple[str, Any] | None:
        """col, col + k, col - k, DATEADD(unit, k, col), col + INTERVAL ... -> (col, offset)."""
        t = self.table
        e = _strip(e)
        col = _table_col(t, e)
        if col:
            return col, None
        if isinstance(e, (exp.Add, exp.Sub)):
            c = _table_col(t, e.this)
            sign = 1 if isinstance(e, exp.Add) else -1
            other = e.expression
            if c is None and isinstance(e, exp.Add):
                c, other = _table_col(t, e.expression), e.this
            if c is None:
                return None
            k = self._offset_value(other, None)
            return (c, _scale(k, sign)) if k is not None else None
        if isinstance(e, (exp.DateAdd, exp.DateSub, exp.TsOrDsAdd, exp.TimestampAdd, exp.DatetimeAdd)):
            c = _table_col(t, e.this)
            if c is None:
                return None
            unit = e.args.get("unit")
            k = self._offset_value(e.expression, unit.name if unit is not None else "DAY")
            sign = -1 if isinstance(e, exp.DateSub) else 1
            return (c, _scale(k, sign)) if k is not None else None
        return None

    def _offset_value(self, e: exp.Expression, unit: str | None) -> Any:
        e = _strip(e)
        if isinstance(e, exp.Interval):
            u = e.args.get("unit")
            try:
                n = _const(self.table, e.this)
            except _NoValue:
                return None
            return _timedelta(n, u.name if u is not None else None)
        try:
            n = _const(self.table, e)
        except _NoValue:
            return None
        if isinstance(n, dt.timedelta):
            return n
        if unit is not None:
            return _timedelta(n, unit)
        if isinstance(n, (int, Decimal, float)):
            return n
        return None

    def ordering(self, left: exp.Expression, op: str, right: exp.Expression) -> Ordering | None:
        ls, rs = self._offset_side(left), self._offset_side(right)
        if not ls or not rs or ls[0] == rs[0]:
            return None
        (lc, lo), (rc, ro) = ls, rs
        if lo is not None and ro is not None:
            return None
        if lo is not None:  # a + k op b  ->  a op b - k
            offset = _scale(lo, -1)
        else:
            offset = ro
        return Ordering(lc, op, rc, offset=offset)

    def between(self, e: exp.Between) -> _Atom | None:
        if e.args.get("symmetric"):
            return None
        sub = _subject(self.table, e.this)
        if sub is None:
            return None
        lo = self.comparison(e.this, ">=", e.args["low"])
        hi = self.comparison(e.this, "<=", e.args["high"])
        if lo is None or hi is None:
            return None
        return _Atom(lo.cons + hi.cons, lo.exact and hi.exact)

    def in_list(self, e: exp.In, negated: bool) -> _Atom | None:
        if e.args.get("query") or e.args.get("unnest") or e.args.get("field"):
            return None
        sub = _subject(self.table, e.this)
        if sub is None:
            return None
        col, wrap = sub
        column = self.table.column(col)
        vals = []
        for x in e.expressions:
            try:
                vals.append(_const(self.table, x))
            except _NoValue:
                if isinstance(_strip(x), exp.Null):
                    continue  # x IN (.., NULL): NULL never matches
                return None
        if wrap is None:
            typed = [_typed(column, v, ordered=False) for v in vals]
            return _Atom([_C("excluded" if negated else "choices", col, _dedupe(typed))])
        if wrap in ("upper", "lower", "trim"):
            if not all(isinstance(v, str) for v in vals):
                return None
            if negated:
                return _Atom([_C("excluded", col, _dedupe(vals))], exact=False)
            return _Atom([_C("choices", col, _dedupe([v for v in vals if _case_fits(v, wrap)]))])
        # length IN (...)
        return None

    def like(self, e: exp.Like) -> _Atom | None:
        sub = _subject(self.table, e.this)
        pat = _strip(e.expression)
        if sub is None or sub[1] is not None or not (isinstance(pat, exp.Literal) and pat.is_string):
            return None
        return _Atom([_C("like", sub[0], [pat.this])])

    # -- OR ---------------------------------------------------------------
    def disjunction(self, e: exp.Expression) -> _Atom | None:
        terms = _flatten(e, exp.Or)
        null_cols: set[str] = set()
        rest: list[exp.Expression] = []
        for term in terms:
            term = _denegate(term)
            if isinstance(term, exp.Is) and isinstance(term.expression, exp.Null):
                c = _table_col(self.table, term.this)
                if c is None:
                    return None
                null_cols.add(c)
            else:
                rest.append(term)
        if not rest:
            return None  # CHECK (a IS NULL OR b IS NULL): residual
        atoms = [self.atom(t) for t in rest]
        if any(a is None for a in atoms):
            return None
        if len(atoms) == 1:
            a = atoms[0]
            if not null_cols:
                return a
            cons: list[_C] = []
            for c in a.cons:
                if c.kind == "ordering":
                    o: Ordering = c.value
                    if null_cols - {o.left, o.right}:
                        return None
                    cons.append(_C("ordering", value=Ordering(o.left, o.op, o.right, True, o.offset)))
                elif c.kind == "notnull" or c.col not in null_cols:
                    return None
                else:
                    cons.append(c)
            if not null_cols.issubset({c.col for c in cons if c.col}) and not any(
                c.kind == "ordering" for c in cons
            ):
                return None
            constrained = {c.col for c in cons if c.col}
            for nc in null_cols & constrained:
                cons.append(_C("nullok", nc))
            return _Atom(cons, a.exact)
        # several alternatives: all on one column
        if not all(a.exact for a in atoms):
            return None
        cols = {c.col for a in atoms for c in a.cons}
        if len(cols) != 1 or None in cols:
            return None
        col = cols.pop()
        if null_cols - {col}:
            return None
        extra = [_C("nullok", col)] if null_cols else []
        kinds = {c.kind for a in atoms for c in a.cons}
        if kinds <= {"choices"}:
            vals: list = []
            for a in atoms:
                for c in a.cons:
                    vals.extend(c.value)
            return _Atom([_C("choices", col, _dedupe(vals))] + extra)
        if kinds <= {"choices", "like"} and all(len(a.cons) == 1 for a in atoms):
            pats: list[str] = []
            for a in atoms:
                c = a.cons[0]
                if c.kind == "like":
                    pats.extend(c.value)
                else:
                    for v in c.value:
                        if not isinstance(v, str):
                            return None
                        p = _like_literal(v, self.dialect)
                        if p is None:
                            return None
                        pats.append(p)
            return _Atom([_C("like", col, _dedupe(pats))] + extra)
        if kinds <= {"choices", "low", "high"}:
            column = self.table.column(col)
            intervals = []
            for a in atoms:
                if len(a.cons) == 1 and a.cons[0].kind == "choices":
                    for v in a.cons[0].value:
                        intervals.append((v, True, v, True))
                    continue
                if any(c.kind == "choices" for c in a.cons):
                    return None
                lo = hi = None
                lo_inc = hi_inc = True
                for c in a.cons:
                    if c.kind == "low":
                        if lo is None or _tighter_low(c.value, c.inc, lo, lo_inc):
                            lo, lo_inc = c.value, c.inc
                    else:
                        if hi is None or _tighter_high(c.value, c.inc, hi, hi_inc):
                            hi, hi_inc = c.value, c.inc
                intervals.append((lo, lo_inc, hi, hi_inc))
            try:
                rngs = [_half_open(column, *iv) for iv in intervals]
            except _Unsupported:
                return None
            rngs = _merge_ranges([r for r in rngs if r is not None])
            span = _type_span(column)
            if span is not None:
                rngs = _intersect_ranges(rngs, [span])
            return _Atom([_C("ranges", col, rngs)] + extra)
        return None


def _dedupe(vals: list) -> list:
    out: list = []
    for v in vals:
        if v not in out:
            out.append(v)
    return out


def _case_fits(v: str, wrap: str) -> bool:
    if wrap == "upper":
        return v == v.upper()
    if wrap == "lower":
        return v == v.lower()
    return v == v.strip()


def _like_literal(v: str, dialect: str) -> str | None:
    """A LIKE pattern matching exactly v (None when v contains wildcard characters)."""
    special = "%_[" if dialect in ("tsql", "sqlserver") else "%_"
    if any(ch in v for ch in special):
        return None
    return v


def _scale(k: Any, sign: int) -> Any:
    if k is None or sign == 1:
        return k
    return -k


_UNIT_SECONDS = {
    "MICROSECOND": 1e-6, "MICROSECONDS": 1e-6, "MILLISECOND": 1e-3, "MILLISECONDS": 1e-3,
    "SECOND": 1, "SECONDS": 1, "SS": 1, "S": 1, "MINUTE": 60, "MINUTES": 60, "MI": 60, "N": 60,
    "HOUR": 3600, "HOURS": 3600, "HH": 3600, "DAY": 86400, "DAYS": 86400, "DD": 86400, "D": 86400,
    "DAYOFYEAR": 86400, "DY": 86400, "Y": 86400, "WEEK": 604800, "WEEKS": 604800, "WK": 604800, "WW": 604800,
}


def _timedelta(n: Any, unit: str | None) -> dt.timedelta | None:
    if isinstance(n, str):
        m = re.fullmatch(r"\s*([+-]?\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", n)
        if not m:
            return None
        n = Decimal(m.group(1))
        unit = m.group(2) or unit
    if not isinstance(n, (int, float, Decimal)):
        return None
    sec = _UNIT_SECONDS.get((unit or "DAY").upper())
    if sec is None:
        return None  # months / years: not a fixed duration
    return dt.timedelta(seconds=float(n) * sec)


# ------------------------------------------------------------ bounds algebra


def _tighter_low(v: Any, inc: bool, cur: Any, cur_inc: bool) -> bool:
    return v > cur or (v == cur and not inc and cur_inc)


def _tighter_high(v: Any, inc: bool, cur: Any, cur_inc: bool) -> bool:
    return v < cur or (v == cur and not inc and cur_inc)


def _step(column: Column) -> Any:
    """The smallest increment of a discrete type, None for continuous ones."""
    k = column.type.kind
    if k == Kind.INT:
        return 1
    if k == Kind.DATE:
        return dt.timedelta(days=1)
    if k == Kind.DECIMAL and column.type.scale is not None:
        return Decimal(1).scaleb(-column.type.scale)
    return None


def _norm_low(column: Column, v: Any, inc: bool) -> tuple[Any, bool]:
    """Inclusive lower bound for discrete types (INT, DATE, DECIMAL(p,s))."""
    k = column.type.kind
    if k == Kind.INT:
        d = Decimal(v) if not isinstance(v, Decimal) else v
        i = int(d.to_integral_value(ROUND_CEILING))
        if not inc and Decimal(i) == d:
            i += 1
        return i, True
    if k == Kind.DATE:
        day = v.date() if isinstance(v, dt.datetime) else v
        if dt.datetime(day.year, day.month, day.day) < v or (
            dt.datetime(day.year, day.month, day.day) == v and not inc
        ):
            day += dt.timedelta(days=1)
        return day, True
    if k == Kind.DECIMAL and column.type.scale is not None:
        q = Decimal(1).scaleb(-column.type.scale)
        r = v.quantize(q, rounding=ROUND_CEILING)
        if not inc and r == v:
            r += q
        return r, True
    if k == Kind.TIMESTAMP or k == Kind.TIMESTAMPTZ:
        return v, inc
    return v, inc


def _norm_high(column: Column, v: Any, inc: bool) -> tuple[Any, bool]:
    k = column.type.kind
    if k == Kind.INT:
        d = Decimal(v) if not isinstance(v, Decimal) else v
        i = int(d.to_integral_value(ROUND_FLOOR))
        if not inc and Decimal(i) == d:
            i -= 1
        return i, True
    if k == Kind.DATE:
        day = v.date() if isinstance(v, dt.datetime) else v
        if dt.datetime(day.year, day.month, day.day) > v or (
            dt.datetime(day.year, day.month, day.day) == v and not inc
        ):
            day -= dt.timedelta(days=1)
        return day, True
    if k == Kind.DECIMAL and column.type.scale is not None:
        q = Decimal(1).scaleb(-column.type.scale)
        r = v.quantize(q, rounding=ROUND_FLOOR)
        if not inc and r == v:
            r -= q
        return r, True
    return v, inc


def _half_open(column: Column, lo: Any, lo_inc: bool, hi: Any, hi_inc: bool) -> tuple[Any, Any] | None:
    """[lo, hi) for an interval given with inclusivity flags (None = unbounded)."""
    k = column.type.kind
    if k in (Kind.STRING, Kind.OTHER, Kind.ENUM, Kind.UUID, Kind.BOOL, Kind.JSON):
        raise _Unsupported("ranges on strings")
    step = _step(column)
    a = b = None
    if lo is not None:
        if step is not None:
            a, _ = _norm_low(column, lo, lo_inc)
        elif lo_inc:
            a = lo
        else:
            a = _next_up(column, lo)
    if hi is not None:
        if step is not None:
            h, _ = _norm_high(column, hi, hi_inc)
            b = h + step
        elif hi_inc:
            b = _next_up(column, hi)
        else:
            b = hi
    if a is not None and b is not None and not a < b:
        return None
    return (a, b)


def _type_span(column: Column) -> tuple[Any, Any] | None:
    """[min, max + step) of an INT or DECIMAL(p, s) column, None for other kinds."""
    t = column.type
    if t.kind == Kind.INT:
        lo, hi = t.int_range()
        return (lo, hi + 1)
    if t.kind == Kind.DECIMAL and t.precision and t.scale is not None:
        q = Decimal(1).scaleb(-t.scale)
        top = Decimal(10) ** (t.precision - t.scale)
        return (-top + q, top)
    return None


def _next_up(column: Column, v: Any) -> Any:
    if isinstance(v, float):
        return math.nextafter(v, math.inf)
    if isinstance(v, dt.datetime):
        return v + dt.timedelta(microseconds=1)
    if isinstance(v, Decimal):
        return v.next_plus()
    if isinstance(v, dt.time):
        raise _Unsupported("time ranges")
    raise _Unsupported(v)


def _merge_ranges(rngs: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    def key(r):
        return (r[0] is not None, r[0]) if r[0] is not None else (False, 0)

    rs = sorted(rngs, key=key)
    out: list[list[Any]] = []
    for a, b in rs:
        if out and (out[-1][1] is None or (a is not None and a <= out[-1][1])):
            if out[-1][1] is not None and (b is None or b > out[-1][1]):
                out[-1][1] = b
            continue
        out.append([a, b])
    return [(a, b) for a, b in out]


def _intersect_ranges(x: list[tuple[Any, Any]], y: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    out = []
    for a1, b1 in x:
        for a2, b2 in y:
            a = a2 if a1 is None else a1 if a2 is None else max(a1, a2)
            b = b2 if b1 is None else b1 if b2 is None else min(b1, b2)
            if a is None or b is None or a < b:
                out.append((a, b))
    return _merge_ranges(out)


class _Acc:
    """Accumulates constraints on one column over all checks."""

    def __init__(self, column: Column):
        self.column = column
        self.low = self.high = None
        self.low_inc = self.high_inc = True
        self.choices: list | None = None
        self.excluded: list = []
        self.minlen: int | None = None
        self.maxlen: int | None = None
        self.like: list[str] | None = None
        self.notlike: list[str] = []
        self.ranges: list[tuple[Any, Any]] | None = None
        self.null_ok = False
        self.not_null = False
        self.extra_like: list[list[str]] = []  # further LIKE disjunctions (enforced on choices only)

    def add(self, c: _C) -> None:
        k = c.kind
        if k == "low":
            if self.low is None or _tighter_low(c.value, c.inc, self.low, self.low_inc):
                self.low, self.low_inc = c.value, c.inc
        elif k == "high":
            if self.high is None or _tighter_high(c.value, c.inc, self.high, self.high_inc):
                self.high, self.high_inc = c.value, c.inc
        elif k == "choices":
            if self.choices is None:
                self.choices = list(c.value)
            else:
                self.choices = [v for v in self.choices if v in c.value]
        elif k == "excluded":
            self.excluded.extend(v for v in c.value if v not in self.excluded)
        elif k == "minlen":
            self.minlen = c.value if self.minlen is None else max(self.minlen, c.value)
        elif k == "maxlen":
            self.maxlen = c.value if self.maxlen is None else min(self.maxlen, c.value)
        elif k == "like":
            if self.like is None:
                self.like = list(c.value)
            else:
                self.extra_like.append(list(c.value))
        elif k == "notlike":
            self.notlike.append(c.value)
        elif k == "ranges":
            self.ranges = list(c.value) if self.ranges is None else _intersect_ranges(self.ranges, c.value)
        elif k == "notnull":
            self.not_null = True
        elif k == "nullok":
            self.null_ok = True

    def finish(self, dialect: str, notes: list[str]) -> ColumnRule:
        col = self.column
        r = ColumnRule(col.name)
        low, low_inc, high, high_inc = self.low, self.low_inc, self.high, self.high_inc
        if low is not None:
            low, low_inc = _norm_low(col, low, low_inc)
        if high is not None:
            high, high_inc = _norm_high(col, high, high_inc)
        ranges = self.ranges
        if ranges is not None and col.type.kind == Kind.DATE:
            ranges = [(_as_date(a), _as_date(b)) for a, b in ranges]
        if ranges is not None:
            clip_lo = low if low is None or low_inc else _next_up_safe(col, low)
            clip_hi = None
            if high is not None:
                step = _step(col)
                clip_hi = high + step if (high_inc and step is not None) else (
                    _next_up_safe(col, high) if high_inc else high)
            ranges = _intersect_ranges(ranges, [(clip_lo, clip_hi)])
            r.ranges = ranges
            if ranges:
                if ranges[0][0] is not None and (low is None or ranges[0][0] > low):
                    low, low_inc = ranges[0][0], True
                last = ranges[-1][1]
                if last is not None:
                    step = _step(col)
                    if step is not None:
                        env = last - step
                        if high is None or env < high:
                            high, high_inc = env, True
                    elif high is None or last <= high:
                        high, high_inc = last, False
        r.low, r.low_inclusive, r.high, r.high_inclusive = low, low_inc, high, high_inc
        r.min_length, r.max_length = self.minlen, self.maxlen
        if self.maxlen is not None and self.maxlen < 0:
            r.max_length = 0 if self.minlen is None else self.maxlen
        r.like = self.like
        r.not_like = self.notlike or None
        r.null_ok = self.null_ok and not self.not_null
        r.not_null = self.not_null
        excluded = [_final_value(col, v) for v in self.excluded]
        r.excluded = excluded or None
        if self.choices is not None:
            ch = [_final_value(col, v) for v in self.choices]
            ch = [v for v in ch if _value_ok(r, v, dialect, self.extra_like)]
            r.choices = ch
            if not ch:
                notes.append(f"column {col.name}: no non-NULL value satisfies its CHECK constraints")
        elif (
            (low is not None and high is not None and _empty(low, low_inc, high, high_inc))
            or (r.ranges is not None and not r.ranges)
            or (r.min_length is not None and r.max_length is not None and r.min_length > r.max_length)
        ):
            notes.append(f"column {col.name}: no non-NULL value satisfies its CHECK constraints")
        return r


def _as_date(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.date() if v.time() == dt.time(0) else v.date() + dt.timedelta(days=1)
    return v


def _next_up_safe(col: Column, v: Any) -> Any:
    step = _step(col)
    if step is not None:
        return v + step
    try:
        return _next_up(col, v)
    except _Unsupported:
        return v


def _empty(lo: Any, lo_inc: bool, hi: Any, hi_inc: bool) -> bool:
    try:
        return lo > hi or (lo == hi and not (lo_inc and hi_inc))
    except TypeError:
        return False


def _final_value(col: Column, v: Any) -> Any:
    if col.type.kind == Kind.DATE and isinstance(v, dt.datetime):
        return v.date() if v.time() == dt.time(0) else v
    if col.type.kind == Kind.INT and isinstance(v, Decimal) and v == v.to_integral_value():
        return int(v)
    return v


def _value_ok(r: ColumnRule, v: Any, dialect: str, extra_like: list[list[str]]) -> bool:
    try:
        if r.low is not None and (v < r.low or (v == r.low and not r.low_inclusive)):
            return False
        if r.high is not None and (v > r.high or (v == r.high and not r.high_inclusive)):
            return False
        if r.ranges is not None and not any(
            (a is None or a <= v) and (b is None or v < b) for a, b in r.ranges
        ):
            return False
    except TypeError:
        return False
    if r.excluded and v in r.excluded:
        return False
    if isinstance(v, str):
        if r.min_length is not None and len(v) < r.min_length:
            return False
        if r.max_length is not None and len(v) > r.max_length:
            return False
        for pats in ([r.like] if r.like else []) + extra_like:
            if not any(re.fullmatch(like_to_regex(p, dialect), v, re.S) for p in pats):
                return False
        for p in r.not_like or []:
            if re.fullmatch(like_to_regex(p, dialect), v, re.S):
                return False
    return True


def like_to_regex(pattern: str, dialect: str = "") -> str:
    """A Python/RE2 regular expression (without anchors) equivalent to a LIKE pattern."""
    tsql = (dialect or "").lower() in ("tsql", "sqlserver")
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif ch == "[" and tsql and "]" in pattern[i + 1:]:
            j = pattern.index("]", i + 2) if pattern[i + 1:i + 2] == "]" else pattern.index("]", i + 1)
            body = pattern[i + 1:j]
            neg = body.startswith("^")
            if neg:
                body = body[1:]
            body = body.replace("\\", "\\\\")
            out.append("[" + ("^" if neg else "") + body + "]")
            i = j
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


# ------------------------------------------------------------ predicates


def _to_duckdb_sql(e: exp.Expression, table: Table | None, dialect: str) -> str:
    d = (dialect or "").lower()

    def cols(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and table is not None:
            name = table.column(n.name).name if table.has_column(n.name) else n.name
            return exp.column(name, quoted=True)
        return n

    def tf(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Is) and isinstance(n.expression, exp.JSON):
            out = exp.func("json_valid", n.this)
            return exp.Not(this=out) if n.args.get("negate") else out
        if isinstance(n, exp.Like) and d in ("tsql", "sqlserver"):
            pat = _strip(n.expression)
            if isinstance(pat, exp.Literal) and pat.is_string and "[" in pat.this:
                rx = "^" + like_to_regex(pat.this, d) + "$"
                out = exp.func("regexp_full_match", n.this, exp.Literal.string(rx), exp.Literal.string("s"))
                return exp.Not(this=out) if n.args.get("negate") else out
        if isinstance(n, exp.Anonymous):
            nm = n.name.lower()
            if nm == "isjson" and len(n.expressions) == 1:  # T-SQL: 1 / 0
                return exp.cast(exp.func("json_valid", n.expressions[0]), "INTEGER")
            if nm in _BYTE_LENGTH and len(n.expressions) == 1:
                return exp.func("strlen", exp.cast(n.expressions[0], "VARCHAR"))
            if nm in ("lengthc", "length2", "length4", "char_length", "character_length") and len(n.expressions) == 1:
                return exp.Length(this=n.expressions[0])
        return n

    return e.transform(tf).transform(cols).sql(dialect="duckdb")


def check_to_duckdb(check: Check, table: Table, dialect: str) -> str | None:
    """The check as a DuckDB boolean expression over the table's columns (quoted, DDL
    spelling), or None when it does not transpile or DuckDB rejects it."""
    try:
        e = _resolve_value(check.expression.copy(), table, check)
        pred = _to_duckdb_sql(e, table, dialect)
    except Exception:  # noqa: BLE001
        return None
    if not pred or not _validate_predicate(pred, table):
        return None
    return pred


# ------------------------------------------------------------ entry point


def analyze_table_checks(table: Table, dialect: str) -> TableRules:
    rules = TableRules(columns={}, orderings=[], residual=[], predicates={}, untranslatable=[])
    an = _Analyzer(table, dialect)
    accs: dict[str, _Acc] = {}
    for i, check in enumerate(table.checks):  # 0-based, as validate.py numbers them
        label = check_label(table, check, i)
        rules.labels[id(check)] = label
        pred = check_to_duckdb(check, table, dialect)
        if pred is None:
            rules.untranslatable.append(check)
        else:
            rules.predicates[label] = pred
        try:
            e = _resolve_value(check.expression.copy(), table, check)
            conjuncts = _flatten(e, exp.And)
            full = True
            for conj in conjuncts:
                a = an.atom(conj)
                if a is None:
                    full = False
                    continue
                full = full and a.exact
                for c in a.cons:
                    if c.kind == "ordering":
                        if c.value not in rules.orderings:
                            rules.orderings.append(c.value)
                        continue
                    if c.col not in accs:
                        accs[c.col] = _Acc(table.column(c.col))
                    try:
                        accs[c.col].add(c)
                    except TypeError:
                        full = False
        except Exception as ex:  # noqa: BLE001  never crash on a check
            rules.notes.append(f"check {label}: not analysed ({type(ex).__name__}: {ex})")
            full = False
        if full:
            rules.captured.append(check)
        else:
            rules.residual.append(check)
    for name, acc in accs.items():
        try:
            rules.columns[name] = acc.finish(dialect, rules.notes)
        except (TypeError, InvalidOperation) as ex:
            rules.notes.append(f"column {name}: rules dropped ({ex})")
            for check in table.checks:
                if check in rules.captured and any(
                    c.name.lower() == name.lower() for c in check.expression.find_all(exp.Column)
                ):
                    rules.captured.remove(check)
                    rules.residual.append(check)
    return rules
