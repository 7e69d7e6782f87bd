"""The generation engine: ``generate_tables(schema, options) -> GenerationResult``.

1. Row counts: ``options.rows`` (int, or per-table dict with case-insensitive names and a
   ``"*"`` default), spec ``rows`` override; partitions get 0 rows (their parent's rows are
   routed to them by the database).
2. Key plans (``keys.py``): every PK / UNIQUE / referenced column as a function of the row
   index; capacities give the feasibility caps.

   *Cap or error?* A limit that comes from other tables' sizes (a junction asked for more
   rows than its parents' combinations, a 1:1 FK) is always a cap with a notice. A limit that
   comes from a column's own type (TINYINT UNSIGNED PK -> 255 rows, an enum PK) is a cap with
   a notice when the row count is a default (``rows=1000`` for every table), and an
   ``InfeasibleError`` when the user asked for that table's count explicitly (per-table rows,
   spec rows). A UNIQUE BOOLEAN (2 values) asked for more than 2 rows is always an error: it is
   a modelling contradiction, not a lookup table. A NOT NULL FK to a table with 0 rows is an
   error.
3. Chunks: per table in load order, per chunk of ``chunk_rows`` rows: key columns from the
   plan, FK columns as sampled parent rows turned into the parent's key values, then the
   other columns (spec override > semantic values > type-driven values), fitted to the type
   and the CHECK rules, NULLs, orderings fixed, residual checks evaluated in DuckDB and
   failing rows regenerated.

Every random draw comes from a generator derived from (seed, table, column, chunk): chunks
are independent and reproducible, and ``result.chunks()`` can be iterated again.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zlib
from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InfeasibleError, SpecError, SynthTalkError
from ..schema.model import Column, ForeignKey, Kind, Schema, Table
from .context import GenContext
from .keys import FKSampler, KeyPlanner, Source, Structure, TablePlan, low
from .result import GenerationOptions, GenerationResult
from .spec import ColumnSpec, GenerationSpec, sql_columns
from .values import (ORDERED_KINDS, fit_string_lengths, US_PER_DAY, US_PER_S, Domain, PatternError, apply_nulls, arrow_to_units,
                     arrow_type, cast_to, choices_values, compile_pattern, concat_strings, fill_nulls, fit_values,
                     int_strings, native_bounds, narrow, pattern_values, python_to_units, random_values,
                     units_to_arrow, zpad)

try:  # CHECK analysis (another module; optional until it lands)
    from .checks import analyze_table_checks
except Exception:  # noqa: BLE001
    analyze_table_checks = None  # type: ignore[assignment]

try:  # realism by column meaning (optional)
    from .semantic import semantic_depends, semantic_values
except Exception:  # noqa: BLE001
    semantic_values = None  # type: ignore[assignment]
    semantic_depends = None  # type: ignore[assignment]

try:
    from .pools import Pools
except Exception:  # noqa: BLE001
    Pools = None  # type: ignore[assignment]

NULL_RATIO = 0.05  # nullable non-key columns
FK_NULL_RATIO = 0.07  # nullable FKs
RESIDUAL_ROUNDS = 30

__all__ = ["generate_tables", "GenerationOptions", "GenerationResult"]


def _crc(*parts: Any) -> int:
    return zlib.crc32(repr(parts).encode())


def _rng(seed: int, *parts: Any) -> np.random.Generator:
    return np.random.default_rng([seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF, _crc(*parts)])


# --------------------------------------------------------------------------- row counts

def _requested_rows(schema: Schema, rows: Any, spec: GenerationSpec | None) -> tuple[dict[str, int], dict[str, bool]]:
    req: dict[str, int] = {}
    explicit: dict[str, bool] = {}
    default = 1000
    per: dict[str, int] = {}
    if isinstance(rows, dict):
        for k, v in rows.items():
            if str(k) == "*":
                default = int(v)
                continue
            t = schema.find(str(k))
            if t is None:
                raise SpecError(f"row count given for table {k!r}, which is not in the schema "
                                f"(tables: {', '.join(schema.tables)})", table=str(k))
            per[t.key] = int(v)
    elif rows is not None:
        default = int(rows)
    for key, t in schema.tables.items():
        n, ex = (per[key], True) if key in per else (default, False)
        if spec is not None:
            ts = spec.table(key, t.name)
            if ts is not None and ts.rows is not None:
                n, ex = ts.rows, True
        if n < 0:
            raise SpecError(f"negative row count {n}", table=key)
        req[key] = n
        explicit[key] = ex
    return req, explicit


def _coerce_spec(spec: Any) -> GenerationSpec | None:
    if spec is None:
        return None
    if isinstance(spec, GenerationSpec):
        return spec
    if isinstance(spec, dict):
        return GenerationSpec.from_dict(spec)
    if hasattr(spec, "model_dump"):
        return GenerationSpec.from_dict(spec.model_dump())
    return GenerationSpec.load(spec)


# --------------------------------------------------------------------------- per-table generator

@dataclass
class _FKGen:
    fk: ForeignKey
    parent: TablePlan
    sampler: FKSampler | None
    columns: list[Column]
    nullable: bool
    null_cols: list[Column] = field(default_factory=list)  # columns forced NULL (partial FK)


@dataclass
class _TableGen:
    table: Table
    plan: TablePlan
    rules: Any
    out_cols: list[Column]
    fk_gens: list[_FKGen]
    value_cols: list[Column]  # in dependency order
    key_cols: set[str]  # lower names fixed by plan or FKs (never regenerated, never NULL)
    predicates: dict[str, str]
    pred_cols: dict[str, list[str]]
    orderings: list[Any]
    not_yet: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # status -> later dates
    natural: dict[str, Any] = field(default_factory=dict)  # lower name -> CodeSource (unique, built on semantics)


class _Engine:
    def __init__(self, schema: Schema, options: GenerationOptions):
        self.schema = schema
        self.options = options
        self.notices: list[str] = []
        self.spec = _coerce_spec(options.spec)
        if self.spec is not None:
            self.notices += self.spec.check(schema)
        seed = options.seed
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (1 << 32))
        self.seed = int(seed)
        self.temperature = float(min(max(options.temperature, 0.0), 2.0))
        if options.temperature != self.temperature:
            self.notices.append(f"temperature {options.temperature} clipped to {self.temperature} (0..2)")
        self.locale = (self.spec.locale if self.spec is not None and self.spec.locale else None) or options.locale
        self.chunk_rows = max(1000, int(options.chunk_rows or 500_000))
        self.pools = None
        if Pools is not None:
            try:
                self.pools = Pools(seed=self.seed)
            except Exception:  # noqa: BLE001
                try:
                    self.pools = Pools()
                except Exception:  # noqa: BLE001
                    self.pools = None
        # CHECK rules
        self.rules: dict[str, Any] = {}
        for key, t in schema.tables.items():
            r = None
            if analyze_table_checks is not None and t.checks:
                try:
                    r = analyze_table_checks(t, schema.dialect or "")
                except Exception as e:  # noqa: BLE001
                    self.notices.append(f"table {key}: CHECK analysis failed ({e}); checks evaluated only")
            for note in getattr(r, "notes", []) or []:
                self.notices.append(f"table {key}: {note}")
            self.rules[key] = r

    # -- planning -----------------------------------------------------------
    def effective_fks(self) -> dict[str, list[tuple[ForeignKey, str]]]:
        out: dict[str, list[tuple[ForeignKey, str]]] = {}
        for key, t in self.schema.tables.items():
            lst: list[tuple[ForeignKey, str]] = []
            seen: set[tuple] = set()
            for fk in t.foreign_keys:
                parent = self.schema.tables.get(fk.ref_table) or self.schema.find(fk.ref_table)
                if parent is None:
                    self.notices.append(f"table {key}: FK ({', '.join(fk.columns)}) references unknown table "
                                        f"{fk.ref_table}; ignored")
                    continue
                if parent.partition_of and parent.partition_of in self.schema.tables:
                    root = self.schema.tables[parent.partition_of]
                    if all(root.has_column(c) for c in fk.ref_columns):
                        fk = ForeignKey(columns=fk.columns, ref_table=root.key, ref_columns=fk.ref_columns,
                                        name=fk.name, on_delete=fk.on_delete, on_update=fk.on_update)
                        parent = root
                if not all(t.has_column(c) for c in fk.columns) or not all(parent.has_column(c) for c in fk.ref_columns) \
                        or len(fk.columns) != len(fk.ref_columns):
                    self.notices.append(f"table {key}: FK ({', '.join(fk.columns)}) does not match "
                                        f"{parent.key}; ignored")
                    continue
                sig = (tuple(low(c) for c in fk.columns), parent.key, tuple(low(c) for c in fk.ref_columns))
                if sig in seen:
                    continue
                seen.add(sig)
                lst.append((fk, parent.key))
            out[key] = lst
        return out

    def plan(self) -> None:
        schema = self.schema
        self.requested, self.explicit = _requested_rows(schema, self.options.rows, self.spec)
        for key, t in schema.tables.items():
            if t.partition_of:
                if self.requested[key] and self.explicit[key]:
                    self.notices.append(f"table {key} is a partition of {t.partition_of}: its rows come from the "
                                        f"parent (routed by the database); 0 rows generated for it")
                self.requested[key] = 0
        parts = {}
        for key, t in schema.tables.items():
            if t.partition_of:
                parts.setdefault(t.partition_of, []).append(key)
        for parent, kids in parts.items():
            self.notices.append(f"table {parent} is partitioned ({', '.join(kids)}): rows generated for "
                                f"{parent} only, spread across its partitions; partitions get 0 rows")
        self.fks = self.effective_fks()
        # NOT NULL FK to a table asked for 0 rows
        for key, lst in self.fks.items():
            if self.requested[key] <= 0:
                continue
            for fk, pkey in lst:
                if pkey == key:
                    continue
                cols = [self.schema.tables[key].column(c) for c in fk.columns]
                if self.requested[pkey] <= 0 and not any(c.nullable for c in cols):
                    raise InfeasibleError(
                        f"NOT NULL foreign key to {pkey}, which has 0 rows: give {pkey} some rows or {key} none",
                        table=key, column=", ".join(fk.columns),
                        constraint=fk.name or f"FOREIGN KEY ({', '.join(fk.columns)}) REFERENCES {pkey}")
        referenced: dict[str, list[tuple[str, ...]]] = {}
        for key, lst in self.fks.items():
            for fk, pkey in lst:
                cols = tuple(fk.ref_columns)
                cur = referenced.setdefault(pkey, [])
                if not any({low(c) for c in u} == {low(c) for c in cols} for u in cur):
                    cur.append(cols)
        extra: dict[str, list[tuple[str, ...]]] = {}
        if self.spec is not None:
            for tname, ts in self.spec.tables.items():
                t = schema.find(tname)
                for cname, cs in ts.columns.items():
                    if cs.unique:
                        extra.setdefault(t.key, []).append((t.column(cname).name,))
                        other = [x for x in ("values", "pattern", "format", "sql", "min", "max", "distribution")
                                 if getattr(cs, x) not in (None, [], {})]
                        if other:
                            self.notices.append(f"spec: {t.key}.{t.column(cname).name}: unique values are coded by "
                                                f"the engine (a realistic value + a distinct suffix); "
                                                f"{', '.join(other)} not applied")
        planner = KeyPlanner(schema.tables, self.fks, self.rules, self.requested, self.seed, self.temperature,
                             referenced, extra, prefix_fn=self._prefix_pool, notices=self.notices,
                             decide_n=self._decide_n)
        self.referenced = referenced
        self.plans = planner.plan_all()
        self.row_counts = {k: p.n for k, p in self.plans.items()}
        for key, lst in self.fks.items():
            if self.row_counts[key] <= 0:
                continue
            for fk, pkey in lst:
                if pkey != key and self.row_counts[pkey] <= 0:
                    cols = [schema.tables[key].column(c) for c in fk.columns]
                    if not any(c.nullable for c in cols):
                        raise InfeasibleError(f"NOT NULL foreign key to {pkey}, which ends up with 0 rows",
                                              table=key, column=", ".join(fk.columns),
                                              constraint=fk.name or f"FOREIGN KEY ({', '.join(fk.columns)})")
                    self.notices.append(f"table {key}: FK ({', '.join(fk.columns)}) is always NULL "
                                        f"({pkey} has 0 rows)")
        self.order = schema.dependency_order()
        pos = {k: i for i, k in enumerate(self.order)}
        self.deferred: list[tuple[str, ForeignKey]] = []
        for key in self.order:
            if self.row_counts[key] <= 0:
                continue
            for fk, pkey in self.fks[key]:
                if pkey != key and pos[pkey] > pos[key]:
                    self.deferred.append((key, fk))
        self.gens = {k: self._table_gen(k) for k in self.order}

    def _decide_n(self, key: str, req: int, sources: list[Source]) -> int:
        n = req
        t = self.schema.tables[key]
        for src in sources:
            cap = int(src.capacity)
            if n <= cap:
                continue
            cols = ", ".join(src.columns)
            if src.capacity_reason == "parents":
                self.notices.append(f"table {key}: {n} rows asked, but {src.constraint} ({cols}) allows only "
                                    f"{cap} combinations of its parents; capped to {cap}")
            else:
                is_bool = any(t.has_column(c) and t.column(c).type.kind == Kind.BOOL for c in src.columns) \
                    and len(src.columns) == 1
                if self.explicit.get(key) or is_bool:
                    raise InfeasibleError(f"{n} rows asked, but {src.constraint} on ({cols}) can hold only {cap} "
                                          f"distinct values", table=key, column=cols, constraint=src.constraint)
                self.notices.append(f"table {key}: {src.constraint} on ({cols}) holds at most {cap} distinct "
                                    f"values; rows capped from {n} to {cap}")
            n = cap
        return n

    def _prefix_pool(self, t: Table, col: Column, needed: int) -> pa.Array | None:
        if semantic_values is None:
            return None
        ctx = GenContext(rng=_rng(self.seed, t.key, col.name, "prefix"), locale=self.locale,
                         temperature=self.temperature, row_ids=np.arange(min(needed, 500), dtype=np.int64),
                         pools=self.pools, seed=self.seed, table_rows=needed)
        arr = semantic_values(t, col, min(needed, 500), ctx)
        if arr is None:
            return None
        return cast_to(arr, col) if len(arr) else None

    def rule(self, key: str, col: str) -> Any:
        r = self.rules.get(key)
        cols = getattr(r, "columns", None) or {}
        if col in cols:
            return cols[col]
        for k, v in cols.items():
            if k.lower() == col.lower():
                return v
        return None

    def cspec(self, t: Table, col: Column) -> ColumnSpec | None:
        if self.spec is None:
            return None
        return self.spec.column(t.key, t.name, col.name)

    def _table_gen(self, key: str) -> _TableGen:
        t = self.schema.tables[key]
        plan = self.plans[key]
        out_cols = t.generated_columns
        fixed = set(plan.determined)
        natural = self._natural_unique(t, plan)
        fixed -= set(natural)
        fk_gens: list[_FKGen] = []
        for fk, pkey in self.fks[key]:
            cols = [t.column(c) for c in fk.columns]
            lows = [low(c.name) for c in cols]
            parent = self.plans[pkey]
            nullable = all(c.nullable for c in cols)
            if all(c in fixed for c in lows):
                continue
            if any(c in fixed for c in lows):
                rest = [c for c in cols if low(c.name) not in fixed]
                if all(c.nullable for c in rest):
                    fk_gens.append(_FKGen(fk, parent, None, [], True, null_cols=rest))
                    self.notices.append(f"table {key}: FK ({', '.join(fk.columns)}) overlaps another key; its "
                                        f"other columns are NULL (the FK is then not checked)")
                    fixed |= {low(c.name) for c in rest}
                else:
                    self.notices.append(f"table {key}: FK ({', '.join(fk.columns)}) overlaps another key and "
                                        f"cannot be guaranteed")
                continue
            sampler = FKSampler(fk, parent, _crc(self.seed, key, fk.columns, "fk"), self.temperature,
                                self_ref=(pkey == key), n_rows=plan.n)
            fk_gens.append(_FKGen(fk, parent, sampler, cols, nullable))
            fixed |= set(lows)
        rules = self.rules.get(key)
        predicates = dict(getattr(rules, "predicates", {}) or {})
        pred_cols = {}
        for label, sql in predicates.items():
            names = {c.lower() for c in sql_columns(sql)}
            pred_cols[label] = [c.name for c in out_cols if c.name.lower() in names]
        for label in list(pred_cols):  # a natural unique column inside a CHECK: coded as before
            for cname in pred_cols[label]:
                if low(cname) in natural:
                    fixed.add(low(cname))
                    natural.pop(low(cname))
        value_cols = [c for c in out_cols if low(c.name) not in fixed]
        value_cols = self._order_values(t, value_cols)
        fixed |= set(natural)  # never regenerated by the residual check, never NULL
        return _TableGen(t, plan, rules, out_cols, fk_gens, value_cols, fixed, predicates, pred_cols,
                         list(getattr(rules, "orderings", []) or []),
                         _not_yet_columns(t, [c for c in value_cols], self.cspec, self.rule), natural)

    def _natural_unique(self, t: Table, plan: TablePlan) -> dict[str, Any]:
        """UNIQUE string columns with a semantic meaning (email, username, product name ...) that no
        other table references: generated like any value column (after the columns they depend on,
        e.g. email after first/last name) and made unique by :func:`_uniquify` instead of being a
        pure function of the row index."""
        if semantic_values is None:
            return {}
        refd = {low(c) for u in self.referenced.get(t.key, []) for c in u}
        out: dict[str, Any] = {}
        for src in plan.sources:
            if type(src).__name__ != "CodeSource" or len(src.columns) != 1:
                continue
            coder = src.coder
            name = src.columns[0]
            c = t.column(name)
            if c.type.kind != Kind.STRING or c.type.fixed or coder.prefix_pool is None or low(name) in refd \
                    or self.cspec(t, c) is not None:
                continue
            rule = self.rule(t.key, name)
            if any(getattr(rule, a, None) for a in ("choices", "like", "regex", "pattern", "min_length",
                                                   "excluded", "ranges")):
                continue
            L = getattr(coder, "max_len", None)
            if L is not None and L - len(str(max(plan.n, self.chunk_rows))) - 1 < 6:
                continue
            out[low(name)] = src
        return out

    def _order_values(self, t: Table, cols: list[Column]) -> list[Column]:
        names = {low(c.name): c for c in cols}
        deps: dict[str, set[str]] = {}
        for c in cols:
            d: set[str] = set()
            cs = self.cspec(t, c)
            if cs is not None and cs.sql:
                d |= {low(x) for x in sql_columns(cs.sql)}
            elif semantic_depends is not None:
                try:
                    d |= {low(x) for x in semantic_depends(t, c) or ()}
                except Exception:  # noqa: BLE001
                    pass
            deps[low(c.name)] = {x for x in d if x in names and x != low(c.name)}
        out: list[Column] = []
        done: set[str] = set()
        remaining = [low(c.name) for c in cols]
        while remaining:
            ready = [k for k in remaining if deps[k] <= done]
            pick = ready[0] if ready else remaining[0]
            out.append(names[pick])
            done.add(pick)
            remaining.remove(pick)
        return out

    # -- generation ---------------------------------------------------------------
    def stream(self) -> Iterator[tuple[str, pa.RecordBatch]]:
        total = sum(self.row_counts[k] for k in self.order)
        bar = None
        if self.options.progress and total > 0:
            try:
                from tqdm.auto import tqdm
                bar = tqdm(total=total, unit="rows", desc="generating", delay=1.0, leave=False)
            except Exception:  # noqa: BLE001
                bar = None
        tasks: list[tuple[str, int, int, int]] = []
        for key in self.order:
            n = self.row_counts[key]
            if n <= 0:
                tasks.append((key, -1, 0, 0))
            for ci, r0 in enumerate(range(0, n, self.chunk_rows)):
                tasks.append((key, ci, r0, min(n, r0 + self.chunk_rows)))

        def run(task: tuple[str, int, int, int]) -> pa.RecordBatch:
            key, ci, r0, r1 = task
            if ci < 0:
                return self._empty_batch(self.gens[key])
            return self.chunk(self.gens[key], ci, r0, r1)

        workers = int(self.options.workers or 0)
        if workers <= 0:
            workers = min(4, os.cpu_count() or 1)
        workers = min(workers, max(1, len(tasks)))
        try:
            if workers <= 1:
                for task in tasks:
                    batch = run(task)
                    if bar is not None:
                        bar.update(batch.num_rows)
                    yield task[0], batch
                return
            from collections import deque
            from concurrent.futures import ThreadPoolExecutor
            ex = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="synthtalk-gen")
            pending: deque = deque()
            it = iter(tasks)
            try:
                for task in it:
                    pending.append((task, ex.submit(run, task)))
                    if len(pending) >= workers:
                        break
                while pending:
                    task, fut = pending.popleft()
                    batch = fut.result()
                    nxt = next(it, None)
                    if nxt is not None:
                        pending.append((nxt, ex.submit(run, nxt)))
                    if bar is not None:
                        bar.update(batch.num_rows)
                    yield task[0], batch
            finally:
                for _, fut in pending:
                    fut.cancel()
                ex.shutdown(wait=True)
        finally:
            if bar is not None:
                bar.close()

    def _empty_batch(self, g: _TableGen) -> pa.RecordBatch:
        return pa.RecordBatch.from_arrays([pa.array([], type=arrow_type(c.type)) for c in g.out_cols],
                                          names=[c.name for c in g.out_cols])

    def chunk(self, g: _TableGen, ci: int, r0: int, r1: int) -> pa.RecordBatch:
        t = g.table
        n = r1 - r0
        rows = np.arange(r0, r1, dtype=np.int64)
        cols: dict[str, pa.Array] = {}
        for name, arr in g.plan.compute_range(r0, r1, skip={id(v) for v in g.natural.values()}).items():
            cols[name] = cast_to(arr, t.column(name))
        for fg in g.fk_gens:
            if fg.sampler is None:
                for c in fg.null_cols:
                    cols[low(c.name)] = pa.nulls(n, arrow_type(c.type))
                continue
            rng = _rng(self.seed, t.key, "fk", tuple(fg.fk.columns), ci)
            if fg.parent.n <= 0:
                for c in fg.columns:
                    cols[low(c.name)] = pa.nulls(n, arrow_type(c.type))
                continue
            prow, root = fg.sampler.sample(rows, rng)
            vals = fg.parent.values_at(fg.fk.ref_columns, prow)
            mask = None
            if fg.nullable:
                mask = rng.random(n) < FK_NULL_RATIO
                if fg.sampler.self_ref:
                    mask = root.copy()
                if not mask.any():
                    mask = None
            for c, v in zip(fg.columns, vals):
                v = cast_to(v, c)
                if mask is not None:
                    v = pc.if_else(pa.array(mask), pa.nulls(n, v.type), v)
                cols[low(c.name)] = v
        for c in g.value_cols:
            cols[low(c.name)] = self.column_values(g, c, ci, rows, cols, round_=0)
        for status, later in g.not_yet:
            _null_not_yet(cols, status, later)
        if g.orderings:
            self.fix_orderings(g, cols, ci)
        if g.predicates:
            self.residual(g, cols, ci, rows)
        return pa.RecordBatch.from_arrays([cols[low(c.name)] for c in g.out_cols],
                                          names=[c.name for c in g.out_cols])

    def _ctx(self, g: _TableGen, c: Column, rng: np.random.Generator, rows: np.ndarray,
             cols: dict[str, pa.Array], locale: str | None = None) -> GenContext:
        named = {}
        for oc in g.out_cols:
            v = cols.get(low(oc.name))
            if v is not None:
                named[oc.name] = v
        return GenContext(rng=rng, locale=locale or self.locale, temperature=self.temperature, row_ids=rows,
                          columns=named, pools=self.pools, seed=self.seed, table_rows=g.plan.n)

    def column_values(self, g: _TableGen, c: Column, ci: int, rows: np.ndarray, cols: dict[str, pa.Array],
                      round_: int) -> pa.Array:
        t = g.table
        n = len(rows)
        rng = _rng(self.seed, t.key, c.name, ci, round_)
        src = g.natural.get(low(c.name))
        if src is not None:
            arr = None
            try:
                sem = semantic_values(t, c, n, self._ctx(g, c, rng, rows, cols))
                if sem is not None and len(sem) == n:
                    arr = _uniquify(sem, c, src.coder, rows, ci, self.chunk_rows, g.plan.n, _sem_kind(t, c), rng)
            except SynthTalkError:
                raise
            except Exception as e:  # noqa: BLE001
                self._note_once(f"table {t.key}: natural unique values for {c.name} failed "
                                f"({type(e).__name__}: {e}); coded values used")
            if arr is None:
                arr = src.compute(rows)[0]
            return cast_to(arr, c)
        rule = self.rule(t.key, c.name)
        cs = self.cspec(t, c)
        T = self.temperature
        domain = None
        arr: pa.Array | None = None
        nb = native_bounds(c, self.schema.dialect)
        if nb is not None:
            domain = narrow(Domain(c, rule, T), c, nb)
        if cs is not None:
            arr, sdomain = self._spec_values(g, c, cs, rule, rng, rows, cols)
            if sdomain is not None:
                domain = narrow(sdomain, c, nb) if nb is not None else sdomain
        if arr is None and semantic_values is not None and not getattr(rule, "choices", None) \
                and not getattr(rule, "like", None):
            try:
                arr = semantic_values(t, c, n, self._ctx(g, c, rng, rows, cols, cs.locale if cs else None))
            except SynthTalkError:
                raise
            except Exception as e:  # noqa: BLE001  realism must never break generation
                self._note_once(f"table {t.key}: semantic values for {c.name} failed ({type(e).__name__}: {e}); "
                                f"type-driven values used")
                arr = None
            if arr is not None and len(arr) != n:
                arr = None
        if arr is None:
            try:
                arr = random_values(c, n, rng, rule, temperature=T, seed=self.seed, domain=domain)
            except ValueError as e:
                raise InfeasibleError(f"no value satisfies the CHECK rules ({e})", table=t.key, column=c.name) from None
        arr = fit_values(arr, c, rule, rng, temperature=T, seed=self.seed, domain=domain)
        if c.type.kind in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
            arr = _whole_seconds(arr, c, domain or Domain(c, rule, T))
        must = (not c.nullable) or bool(getattr(rule, "not_null", False))
        if must:
            arr = fill_nulls(arr, c, rule, rng, T, self.seed)
        else:
            ratio = cs.null_ratio if (cs is not None and cs.null_ratio is not None) else NULL_RATIO
            if round_ == 0:
                arr = apply_nulls(arr, ratio, rng)
        return arr

    def _spec_values(self, g: _TableGen, c: Column, cs: ColumnSpec, rule: Any, rng: np.random.Generator,
                     rows: np.ndarray, cols: dict[str, pa.Array]) -> tuple[pa.Array | None, Domain | None]:
        t = g.table
        n = len(rows)
        t_arrow = arrow_type(c.type)
        if cs.values is not None:
            vals = list(cs.values)
            weights = list(cs.weights) if cs.weights is not None else None
            choices = getattr(rule, "choices", None)
            if choices is not None:
                keep = [i for i, v in enumerate(vals) if v in choices or str(v) in {str(x) for x in choices}]
                if not keep:
                    raise SpecError(f"none of the spec values {vals} satisfies the CHECK constraint "
                                    f"(allowed: {choices})", table=t.key, column=c.name)
                if len(keep) < len(vals):
                    self._note_once(f"spec: {t.key}.{c.name}: values {[vals[i] for i in range(len(vals)) if i not in keep]} "
                                    f"violate a CHECK and were dropped")
                vals = [vals[i] for i in keep]
                weights = [weights[i] for i in keep] if weights else None
            try:
                arr = choices_values(vals, n, rng, pa.array(vals).type, weights=weights)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                arr = choices_values([str(v) for v in vals], n, rng, pa.string(), weights=weights)
            return cast_to(arr, c), None
        if cs.pattern is not None:
            return pattern_values(cs.pattern, n, rng), None
        if cs.format is not None:
            return format_values(cs.format, rows, rng), None
        if cs.sql is not None:
            return self._sql_values(g, c, cs.sql, cols, n), None
        if cs.min is not None or cs.max is not None or cs.distribution:
            if c.type.kind not in ORDERED_KINDS:
                return None, None
            d = Domain(c, rule, self.temperature)
            lo = python_to_units(c, [cs.min])[0] if cs.min is not None else None
            hi = python_to_units(c, [cs.max])[0] if cs.max is not None else None
            if c.type.kind == Kind.FLOAT:
                lo = float(cs.min) if cs.min is not None else None
                hi = float(cs.max) if cs.max is not None else None
            if lo is not None:
                if lo < d.lo:
                    self._note_once(f"spec: {t.key}.{c.name}: min {cs.min} is below what the type/CHECK allows; clipped")
                d.dlo = max(d.lo, lo)
            if hi is not None:
                if hi > d.hi:
                    self._note_once(f"spec: {t.key}.{c.name}: max {cs.max} is above what the type/CHECK allows; clipped")
                d.dhi = min(d.hi, hi)
            if lo is not None and hi is None:
                d.dhi = max(d.dhi, d.dlo)
            if hi is not None and lo is None:
                d.dlo = min(d.dlo, d.dhi)
            if d.dlo > d.dhi:
                raise SpecError(f"spec range [{cs.min}, {cs.max}] is outside what the column's type and CHECK allow",
                                table=t.key, column=c.name)
            d.ranges = None if (lo is not None or hi is not None) else d.ranges
            u = d.sample(n, rng, cs.distribution, cs.params, self.temperature)
            return units_to_arrow(u, c.type), d
        return None, None

    def _sql_values(self, g: _TableGen, c: Column, sql: str, cols: dict[str, pa.Array], n: int) -> pa.Array:
        import duckdb
        names, arrays = [], []
        for oc in g.out_cols:
            v = cols.get(low(oc.name))
            if v is not None:
                names.append(oc.name)
                arrays.append(v)
        tbl = pa.table(arrays, names=names) if names else pa.table({"_n": pa.array(np.zeros(n))})
        con = duckdb.connect()
        try:
            con.register("_chunk", tbl)
            try:
                res = con.sql(f"SELECT ({sql}) AS v FROM _chunk").to_arrow_table()
            except duckdb.Error as e:
                raise SpecError(f"sql expression failed in DuckDB: {e}", table=g.table.key, column=c.name) from None
        finally:
            con.close()
        arr = res.column(0).combine_chunks()
        try:
            return cast_to(arr, c)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
            raise SpecError(f"sql expression result does not fit the column type: {e}", table=g.table.key,
                            column=c.name) from None

    _seen_notes: set

    def _note_once(self, msg: str) -> None:
        if not hasattr(self, "_seen_notes"):
            self._seen_notes = set()
        if msg not in self._seen_notes:
            self._seen_notes.add(msg)
            self.notices.append(msg)

    # -- orderings --------------------------------------------------------------------
    def fix_orderings(self, g: _TableGen, cols: dict[str, pa.Array], ci: int) -> None:
        t = g.table
        for _ in range(3):  # chains (a < b < c) settle in a few passes
            for o in g.orderings:
                if o.op not in ("<", "<=", ">", ">="):
                    continue
                try:
                    self._fix_one(g, o, cols, ci)
                except (KeyError, ValueError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    self._note_once(f"table {t.key}: ordering {o.left} {o.op} {o.right} left to the residual check")

    def _fix_one(self, g: _TableGen, o: Any, cols: dict[str, pa.Array], ci: int) -> None:
        t = g.table
        L, R = t.column(o.left), t.column(o.right)
        if L.is_generated or R.is_generated:
            return
        if L.type.kind not in ORDERED_KINDS or R.type.kind not in ORDERED_KINDS:
            return
        ukind = _unit_family(L.type.kind)
        if ukind != _unit_family(R.type.kind):
            return
        off = _offset_units(o.offset, R)
        # condition: X < Y + d (or <=)
        if o.op in ("<", "<="):
            X, Y, d, strict = L, R, off, o.op == "<"
        else:
            X, Y, d, strict = R, L, -off, o.op == ">"
        ux, nx = _units_in(cols[low(X.name)], X)
        uy, ny = _units_in(cols[low(Y.name)], Y)
        bad = ((ux >= uy + d) if strict else (ux > uy + d)) & ~nx & ~ny
        if not bad.any():
            return
        rng = _rng(self.seed, t.key, "ordering", o.left, o.right, ci)
        idx = np.nonzero(bad)[0]
        if low(Y.name) not in g.key_cols:
            gap = _gap_units(Y, rng, len(idx), strict)
            uy2 = uy.copy()
            uy2[idx] = ux[idx] - d + gap
            ok = _in_domain(uy2[idx], Y, self.rule(t.key, Y.name))
            uy2[idx[~ok]] = uy[idx[~ok]]
            cols[low(Y.name)] = _units_out(uy2, ny, Y)
            idx = idx[~ok]
            uy = uy2
            if not len(idx):
                return
        if low(X.name) not in g.key_cols:
            gap = _gap_units(X, rng, len(idx), strict)
            ux2 = ux.copy()
            ux2[idx] = uy[idx] + d - gap
            ok = _in_domain(ux2[idx], X, self.rule(t.key, X.name))
            ux2[idx[~ok]] = ux[idx[~ok]]
            cols[low(X.name)] = _units_out(ux2, nx, X)

    # -- residual checks --------------------------------------------------------------
    def residual(self, g: _TableGen, cols: dict[str, pa.Array], ci: int, rows: np.ndarray) -> None:
        import duckdb
        t = g.table
        n = len(rows)
        con = duckdb.connect()
        try:
            con.execute("SET TimeZone='UTC'")
        except duckdb.Error:
            pass
        try:
            preds = dict(g.predicates)

            def evaluate() -> dict[str, np.ndarray]:
                names = [c.name for c in g.out_cols]
                tbl = pa.table([cols[low(c)] for c in names], names=names)
                con.register("_chunk", tbl)
                out: dict[str, np.ndarray] = {}
                sel = ", ".join(f"COALESCE(({p}), TRUE) AS \"c{i}\"" for i, p in enumerate(preds.values()))
                try:
                    res = con.sql(f"SELECT {sel} FROM _chunk").to_arrow_table()
                    for i, label in enumerate(preds):
                        out[label] = ~res.column(i).to_numpy(zero_copy_only=False).astype(bool)
                except duckdb.Error:
                    for label in list(preds):
                        try:
                            res = con.sql(f"SELECT COALESCE(({preds[label]}), TRUE) FROM _chunk").to_arrow_table()
                            out[label] = ~res.column(0).to_numpy(zero_copy_only=False).astype(bool)
                        except duckdb.Error as e:
                            self._note_once(f"table {t.key}: CHECK {label} cannot be evaluated on generated rows "
                                            f"({str(e).splitlines()[0]}); not enforced")
                            preds.pop(label)
                            g.predicates.pop(label, None)
                con.unregister("_chunk")
                return out

            if not preds:
                return
            fails = evaluate()
            best = None
            stale = 0
            for rnd in range(1, RESIDUAL_ROUNDS + 1):
                bad_labels = [lb for lb, m in fails.items() if m.any()]
                if not bad_labels:
                    return
                total_bad = int(sum(fails[lb].sum() for lb in bad_labels))
                if best is not None and total_bad >= best:
                    stale += 1
                    if stale >= 4:
                        break
                else:
                    stale = 0
                    best = total_bad
                regen: dict[str, np.ndarray] = {}
                for lb in bad_labels:
                    for cname in g.pred_cols.get(lb, []):
                        if low(cname) in g.key_cols:
                            continue
                        m = regen.get(low(cname))
                        regen[low(cname)] = fails[lb] if m is None else (m | fails[lb])
                if not regen:
                    break
                for c in g.value_cols:
                    m = regen.get(low(c.name))
                    if m is None:
                        continue
                    idx = np.nonzero(m)[0]
                    sub_idx = pa.array(idx)
                    sub_cols = {k: v.take(sub_idx) for k, v in cols.items()}
                    new = self.column_values(g, c, ci, rows[idx], sub_cols, round_=rnd)
                    cols[low(c.name)] = _scatter(cols[low(c.name)], idx, new)
                if g.orderings:
                    self.fix_orderings(g, cols, ci)
                fails = evaluate()
            bad_labels = [lb for lb, m in fails.items() if m.any()]
            if not bad_labels:
                return
            # last resort: NULL a nullable non-key column of the check
            for lb in bad_labels:
                m = fails[lb]
                for cname in g.pred_cols.get(lb, []):
                    c = t.column(cname)
                    if low(cname) in g.key_cols or not c.nullable or getattr(self.rule(t.key, cname), "not_null", False):
                        continue
                    cols[low(cname)] = pc.if_else(pa.array(m), pa.nulls(n, cols[low(cname)].type), cols[low(cname)])
                    self._note_once(f"table {t.key}: some rows failing CHECK {lb} got NULL in {cname}")
                    break
            fails = evaluate()
            bad_labels = [lb for lb, m in fails.items() if m.any()]
            if bad_labels:
                lb = bad_labels[0]
                cnt = int(fails[lb].sum())
                raise InfeasibleError(f"{cnt} of {n} generated rows keep failing CHECK {lb}: {g.predicates.get(lb)}",
                                      table=t.key, column=", ".join(g.pred_cols.get(lb, [])) or None, constraint=lb)
        finally:
            con.close()


# --------------------------------------------------------------------------- helpers

def _unit_family(k: Kind) -> str:
    if k in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
        return "ts"
    if k in (Kind.INT, Kind.DECIMAL, Kind.FLOAT):
        return "num"
    return k.value


def _units_in(arr: pa.Array, col: Column) -> tuple[np.ndarray, np.ndarray]:
    u, nulls = arrow_to_units(arr, col.type)
    if col.type.kind == Kind.DECIMAL:
        from .values import decimal_ps
        s = decimal_ps(col.type)[1]
        return u.astype(np.float64) / 10 ** s, nulls
    return u.astype(np.float64) if col.type.kind in (Kind.INT, Kind.FLOAT) else u, nulls


def _sem_kind(t: Table, c: Column) -> str | None:
    try:
        from .semantic import semantic_kind
        return semantic_kind(t, c)
    except Exception:  # noqa: BLE001
        return None


_BANDS_STEP = 37  # coprime with every 9 * 10^k: walks a digit band in a scattered order


def _fold_keys(arr: pa.Array) -> pa.Array:
    """Comparison keys as case/accent-insensitive collations see them (MySQL *_ci, SQL Server CI):
    lower case, trailing blanks dropped, non-ASCII transliterated (per distinct value)."""
    key = pc.utf8_rtrim_whitespace(pc.utf8_lower(arr))
    enc = pc.dictionary_encode(key)
    dic = enc.dictionary
    ascii_ = pc.string_is_ascii(dic).to_numpy(zero_copy_only=False)
    if not ascii_.all():
        from faker.decode import unidecode
        vals = dic.to_pylist()
        vals = [v if a else unidecode(v).lower().rstrip() for v, a in zip(vals, ascii_)]
        dic = pa.array(vals, pa.large_string())
    return dic.take(enc.indices)


def _band_numbers(q: np.ndarray, h: np.ndarray, cap: int) -> np.ndarray:
    """Injective (per h) map of q in [0, cap) to numbers in [1, cap]: 10..99 first, then 100..999,
    ... (each band walked from a per-group offset h), then 1..9 last."""
    lo, sizes, steps = [], [], []
    b = 10
    while b <= cap:
        top = min(b * 10 - 1, cap)
        lo.append(b)
        sizes.append(top - b + 1)
        steps.append(_BANDS_STEP if top == b * 10 - 1 else 1)
        b *= 10
    lo.append(1)
    sizes.append(min(9, cap))
    steps.append(1)
    lo_, sz, st = (np.asarray(x, dtype=np.int64) for x in (lo, sizes, steps))
    ends = np.cumsum(sz)
    band = np.minimum(np.searchsorted(ends, q, side="right"), len(sz) - 1)
    within = q - (ends[band] - sz[band])
    return lo_[band] + (h % sz[band] + within * st[band]) % sz[band]


def _uniquify(sem: pa.Array, col: Column, coder: Any, rows: np.ndarray, ci: int, chunk_rows: int, n_total: int,
              kind: str | None, rng: np.random.Generator) -> pa.Array | None:
    """Semantic values made unique: the first row of each value keeps it as it is, later rows of the
    same value get a number (``ryan.weber@gmail.com``, ``ryan.weber84@yahoo.com``, ``Rustic Lamp 2``).

    Unique by construction across chunks: in the first chunk numbers are at most ``chunk_rows``
    and distinct within each value; later chunks (tables over ``chunk_rows`` rows) number every
    row with its global row number (> ``chunk_rows``). A value is recovered as (base, number)
    because a base never ends in what a number looks like (e-mail locals lose their trailing
    digits, other bases ending in ``<sep><digits>`` always get a number). Keys fold case, accents
    and trailing blanks, so case-insensitive collations see unique values too."""
    n = len(sem)
    sem = pc.fill_null(sem.cast(pa.large_string()), "")
    L = getattr(coder, "max_len", None)
    width = len(str(max(n_total, chunk_rows)))
    email = kind == "email"
    if email or kind == "username":
        sep = ""
        if email:
            parts = pc.extract_regex(sem, r"^(?P<l>[^@]*)@?(?P<d>.*)$")
            local = pc.struct_field(parts, "l")
            dom = pc.utf8_lower(pc.struct_field(parts, "d"))
            dom = pc.if_else(pc.equal(pc.utf8_length(dom), 0), pa.scalar("example.com", pa.large_string()), dom)
        else:
            local, dom = sem, None
        ex = pc.extract_regex(local, r"^(?P<b>.*?)(?P<d>[0-9]*)$")
        base = pc.utf8_rtrim(pc.struct_field(ex, "b"), characters="._-")
        want = pc.greater(pc.utf8_length(pc.struct_field(ex, "d")), 0).to_numpy(zero_copy_only=False)
        base = pc.utf8_lower(base)
        base = pc.if_else(pc.equal(pc.utf8_length(base), 0), pa.scalar("user", pa.large_string()), base)
        if L is not None:
            room = L - width - (1 + int(pc.max(pc.utf8_length(dom)).as_py() or 0) if email else 0)
            if room < 3:
                return None
            base = fit_string_lengths(base, room)
            base = pc.utf8_rtrim(base, characters="._-")
            base = pc.if_else(pc.equal(pc.utf8_length(base), 0), pa.scalar("u", pa.large_string()), base)
        forced = np.zeros(n, dtype=bool)
        key = base if not email else pc.binary_join_element_wise(base, dom, _LS("@"))
    else:
        sep = " " if pc.any(pc.match_substring(sem, " ")).as_py() else "-"
        base = sem
        if L is not None:
            room = L - width - len(sep)
            if room < 3:
                return None
            base = fit_string_lengths(base, room)
        base = pc.utf8_rtrim_whitespace(base)
        want = np.zeros(n, dtype=bool)
        forced = pc.match_substring_regex(base, r"[ _\-.#/]?[0-9]+$").to_numpy(zero_copy_only=False) | \
            (pc.utf8_length(base).to_numpy(zero_copy_only=False) == 0)
        key = base
    keys = pc.dictionary_encode(_fold_keys(key))
    gid = keys.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    order = np.argsort(gid, kind="stable")
    sg = gid[order]
    start = np.r_[True, sg[1:] != sg[:-1]]
    first_pos = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - first_pos
    first_row = np.empty(n, dtype=np.int64)
    first_row[order] = order[first_pos]
    bare_group = ~(want | forced)[first_row]  # the group's first row keeps the plain value
    if ci == 0:
        bare = bare_group & (rank == 0)
        q = rank - bare_group.astype(np.int64)
        h = (gid * 2654435761 + 12345) & 0x7FFFFFFF
        num = _band_numbers(np.maximum(q, 0), h, chunk_rows)
    else:
        bare = np.zeros(n, dtype=bool)
        num = np.asarray(rows, dtype=np.int64) + 1
    digits = pc.binary_join_element_wise(_LS(sep), int_strings(num).cast(pa.large_string()), _LS(""))
    tail = pc.if_else(pa.array(bare), _LS(""), digits)
    if email:
        return pc.binary_join_element_wise(base, tail, _LS("@"), dom, _LS(""))
    return pc.binary_join_element_wise(base, tail, _LS(""))


def _LS(v: str) -> pa.Scalar:
    return pa.scalar(v, pa.large_string())


# status words saying the event of a later date column has not happened yet
_NOT_SHIPPED = {"pending", "new", "created", "processing", "cancelled", "canceled", "draft", "open", "placed",
                "awaiting payment", "unpaid", "on hold", "backordered", "submitted", "paid",
                "approved", "confirmed", "in progress", "rejected", "declined", "failed", "void"}
_NOT_DELIVERED = _NOT_SHIPPED | {"shipped", "in transit", "dispatched", "out for delivery", "lost"}
_STATUS_RE = re.compile(r"(^|_)(order_?)?(status|state)$")


def _status_word(v: str) -> str:
    return re.sub(r"[\s_\-]+", " ", v.strip().lower())


def _not_yet_columns(t: Table, value_cols: list[Column], cspec: Any, rule: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """(status column, [(nullable later-date column, semantic kind)]): an order whose status says it
    is not shipped yet gets NULL in shipped_at / delivered_at / returned_at (plausibility only)."""
    if semantic_depends is None:
        return []
    try:
        from .semantic import semantic_kind
    except Exception:  # noqa: BLE001
        return []
    names = {low(c.name) for c in value_cols}
    status = None
    for c in t.columns:
        if c.type.kind in (Kind.STRING, Kind.ENUM) and _STATUS_RE.search("_".join(re.findall(r"[a-z0-9]+", c.name.lower()))) \
                and not c.is_generated:
            status = c.name
            break
    if status is None:
        return []
    later = []
    for c in value_cols:
        if not c.nullable or c.is_generated or cspec(t, c) is not None or getattr(rule(t.key, c.name), "not_null", False):
            continue
        try:
            k = semantic_kind(t, c)
        except Exception:  # noqa: BLE001
            continue
        if k in ("ship_date", "delivery_date", "return_date") and low(c.name) in names:
            later.append((c.name, k))
    return [(status, later)] if later else []


def _null_not_yet(cols: dict[str, pa.Array], status: str, later: list[tuple[str, str]]) -> None:
    st = cols.get(low(status))
    if st is None:
        return
    enc = pc.dictionary_encode(st.cast(pa.string()))
    words = [_status_word(v or "") for v in enc.dictionary.to_pylist()]
    if not words:
        return
    ind = enc.indices.fill_null(len(words)).to_numpy(zero_copy_only=False)
    has_return = any("return" in w or "refund" in w for w in words)
    for name, kind in later:
        arr = cols.get(low(name))
        if arr is None:
            continue
        if kind == "ship_date":
            flag = [w in _NOT_SHIPPED for w in words]
        elif kind == "delivery_date":
            flag = [w in _NOT_DELIVERED for w in words]
        elif has_return:  # returned_at: only for returned / refunded orders
            flag = ["return" not in w and "refund" not in w for w in words]
        else:
            continue
        mask = np.asarray(flag + [False], dtype=bool)[ind]
        if mask.any():
            cols[low(name)] = pc.if_else(pa.array(mask), pa.nulls(len(arr), arr.type), arr)


def _whole_seconds(arr: pa.Array, col: Column, domain: Domain) -> pa.Array:
    """TIMESTAMP values floored to whole seconds (real data rarely has fractions), except where
    the floored value would leave the column's domain (CHECK bounds). Floor is monotone, so
    orderings with <= / >= between columns keep holding."""
    u, nulls = arrow_to_units(arr, col.type)
    if not len(u):
        return arr
    f = u - np.mod(u, US_PER_S)
    moved = f != u
    if not moved.any():
        return arr
    keep = moved & ~domain.contains(f)
    if keep.any():
        f = np.where(keep, u, f)
    return units_to_arrow(f, col.type, mask=nulls if nulls.any() else None).cast(arr.type)


def _scatter(orig: pa.Array, idx: np.ndarray, new: pa.Array) -> pa.Array:
    """``orig`` with positions ``idx`` replaced by ``new`` (vectorised)."""
    n = len(orig)
    if new.type != orig.type:
        new = new.cast(orig.type)
    take = np.arange(n, dtype=np.int64)
    take[idx] = n + np.arange(len(idx), dtype=np.int64)
    return pa.concat_arrays([orig, new]).take(pa.array(take))


def _in_domain(u: np.ndarray, col: Column, rule: Any) -> np.ndarray:
    d = Domain(col, rule)
    if col.type.kind == Kind.DECIMAL:
        from .values import decimal_ps
        u = np.round(u * 10 ** decimal_ps(col.type)[1])
    return d.contains(u)


def _units_out(u: np.ndarray, nulls: np.ndarray, col: Column) -> pa.Array:
    if col.type.kind == Kind.DECIMAL:
        from .values import decimal_ps
        s = decimal_ps(col.type)[1]
        u = np.round(u * 10 ** s).astype(np.int64)
    elif col.type.kind == Kind.INT:
        u = np.round(u).astype(np.int64)
    return units_to_arrow(u, col.type, mask=nulls if nulls.any() else None)


def _offset_units(off: Any, col: Column) -> float | int:
    if off is None:
        return 0
    k = col.type.kind
    if isinstance(off, dt.timedelta):
        if k == Kind.DATE:
            return off.days
        return off.days * US_PER_DAY + off.seconds * US_PER_S + off.microseconds
    try:
        return float(off)
    except (TypeError, ValueError):
        return 0


def _gap_units(col: Column, rng: np.random.Generator, n: int, strict: bool) -> np.ndarray:
    k = col.type.kind
    lo = 1 if strict else 0
    if k == Kind.DATE:
        return rng.integers(max(lo, 1), 31, size=n)
    if k in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):  # whole seconds, like the values themselves
        return rng.integers(max(lo, 1) * 60, 3 * 86400, size=n) * US_PER_S
    if k == Kind.TIME:
        return rng.integers(max(lo, 1) * 60 * US_PER_S, 3 * 3600 * US_PER_S, size=n)
    if k == Kind.INT:
        return rng.integers(max(lo, 1), 10, size=n).astype(np.float64)
    if k == Kind.DECIMAL:
        from .values import decimal_ps
        s = decimal_ps(col.type)[1]
        return np.round(rng.uniform(1, 50, size=n), s)
    return rng.uniform(1, 50, size=n)


def format_values(fmt: str, rows: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """``#`` digit, ``?`` upper-case letter, ``*`` letter or digit, ``{i}`` / ``{i:06}`` row number."""
    parts: list[Any] = []
    pos = 0
    for m in re.finditer(r"\{i(?::0?(\d+)d?)?\}", fmt):
        if m.start() > pos:
            parts.append(fmt[pos:m.start()])
        width = int(m.group(1)) if m.group(1) else 0
        num = rows + 1
        parts.append(zpad(num, width) if width else int_strings(num))
        pos = m.end()
    if pos < len(fmt):
        parts.append(fmt[pos:])
    n = len(rows)
    out: list[Any] = []
    for p in parts:
        if isinstance(p, str):
            pat = "".join("[0-9]" if ch == "#" else "[A-Z]" if ch == "?" else "[A-Z0-9]" if ch == "*"
                          else re.escape(ch) for ch in p)
            if any(ch in p for ch in "#?*"):
                out.append(pattern_values(pat, n, rng))
            else:
                out.append(p)
        else:
            out.append(p)
    if not out:
        return pa.array([""] * n)
    if len(out) == 1 and isinstance(out[0], str):
        return pa.array(np.full(n, out[0]), type=pa.string())
    return concat_strings(*out)


# --------------------------------------------------------------------------- API

def generate_tables(schema: Schema, options: GenerationOptions | None = None) -> GenerationResult:
    """Plan keys and row counts now (feasibility errors raise here); stream rows on demand."""
    options = options or GenerationOptions()
    eng = _Engine(schema, options)
    eng.plan()
    return GenerationResult(schema=schema, order=list(eng.order), row_counts=dict(eng.row_counts),
                            deferred=list(eng.deferred), notices=eng.notices, seed=eng.seed,
                            _chunks=eng.stream)
