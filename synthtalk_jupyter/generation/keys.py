"""Key plans: every table's key columns as a function of the row index.

The engine plans keys before it generates anything, so that

* a row's PK / UNIQUE / referenced columns can be computed from its row index alone
  (chunk by chunk, memory O(parent rows), never O(child rows));
* a child's FK is a sampled *parent row index* turned into the parent's key values by the
  parent's plan — composite FKs, cycles and back-references get their final values in one pass.

Shapes of unique sets (PK first, then UNIQUE constraints, then column sets other tables
reference):

* one free column (``id INTEGER``): an injective code of the row index (``1..n`` for a PK,
  a permutation for other UNIQUE columns, realistic prefix + fixed-width suffix for strings);
* FK dims + free columns (``lineitem(l_orderkey, l_linenumber)``): per-parent counts
  (skewed, capped) over the first FK ("anchor"), a ``1..k`` sequence within each parent;
* FK dims only (junctions, ``partsupp(ps_partkey, ps_suppkey)``): per-anchor-parent counts,
  each parent's rows take distinct points of the other dims' product space (a window of a
  pseudo-random permutation); capped at the product;
* a single FK (1:1, PK = FK, UNIQUE FK): parents drawn without replacement (permutation);
* free columns only, none unique by itself: distinct points of their product space.

Capacities (how many rows a plan can hold) drive the feasibility caps of the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pyarrow as pa

from ..schema.model import Column, ForeignKey, Kind, Table
from .values import IndexCoder, Perm, hash_unit, mix64

MAX_SPACE = 1 << 62


def low(s: str) -> str:
    return s.lower()


def skew_exponent(temperature: float) -> float:
    """Exponent a of ``floor(P * u**a)``: 1 = uniform popularity, larger = more skewed.
    Temperature 0 -> 2.2 (a few parents get most children), 1 -> 1.6, 2 -> 1.0 (flat)."""
    t = min(max(float(temperature), 0.0), 2.0)
    return 1.0 + 0.6 * (2.0 - t)


# --------------------------------------------------------------------------- dims

class Dim:
    size: int
    columns: tuple[str, ...]

    def values(self, idx: np.ndarray) -> list[pa.Array]:
        raise NotImplementedError


class FKDim(Dim):
    def __init__(self, fk: ForeignKey, parent: "TablePlan"):
        self.fk = fk
        self.parent = parent
        self.columns = tuple(fk.columns)
        self.size = parent.n
        self.skip_anchor = False

    def values(self, idx: np.ndarray) -> list[pa.Array]:
        return self.parent.values_at(self.fk.ref_columns, idx)


class FreeDim(Dim):
    def __init__(self, coder: IndexCoder, limit: int = MAX_SPACE):
        self.coder = coder
        self.columns = (coder.col.name,)
        self.size = int(min(coder.capacity, limit))

    def values(self, idx: np.ndarray) -> list[pa.Array]:
        return [self.coder.encode(idx)]


# --------------------------------------------------------------------------- sources

class Source:
    """Computes some columns of a table from row indices."""

    columns: tuple[str, ...]
    capacity: int = MAX_SPACE
    capacity_reason: str = "type"  # "type": own column types; "parents": other tables' sizes
    constraint: str = ""

    def compute(self, rows: np.ndarray, contiguous: bool = False) -> list[pa.Array]:
        raise NotImplementedError


class CodeSource(Source):
    """One column, an injective code of the row index (identity or permuted)."""

    def __init__(self, coder: IndexCoder, permute: bool, salt: int, constraint: str):
        self.coder = coder
        self.columns = (coder.col.name,)
        self.capacity = coder.capacity
        self.permute = permute and coder.capacity > 1
        self.perm = Perm(min(coder.capacity, MAX_SPACE), salt) if self.permute else None
        self.constraint = constraint

    def bind(self, n: int) -> None:
        # permute within a window a few times larger than n: random-looking yet compact
        if self.permute and self.coder.ct.kind in (Kind.INT, Kind.DECIMAL, Kind.FLOAT, Kind.DATE,
                                                    Kind.TIMESTAMP, Kind.TIMESTAMPTZ, Kind.TIME):
            m = int(min(self.coder.capacity, max(n * 10, 100)))
            self.perm = Perm(m, self.perm_salt if hasattr(self, "perm_salt") else 1)
        elif self.permute:
            self.perm = Perm(int(min(self.coder.capacity, max(n, 1))), getattr(self, "perm_salt", 3))

    def compute(self, rows: np.ndarray, contiguous: bool = False) -> list[pa.Array]:
        idx = self.perm(rows) if self.perm is not None else rows
        return [self.coder.encode(idx)]


class HashSource(Source):
    """A non-unique column of a referenced column set: a deterministic function of the row."""

    def __init__(self, coder: IndexCoder, salt: int):
        self.coder = coder
        self.columns = (coder.col.name,)
        self.salt = salt
        self.capacity = MAX_SPACE

    def compute(self, rows: np.ndarray, contiguous: bool = False) -> list[pa.Array]:
        cap = np.uint64(max(1, min(self.coder.capacity, MAX_SPACE)))
        return [self.coder.encode((mix64(rows, self.salt) % cap).astype(np.int64))]


class FKHashSource(Source):
    """FK columns inside a referenced set that no structure fixes: parent rows from the row hash."""

    def __init__(self, fk: ForeignKey, parent: "TablePlan", salt: int, temperature: float):
        self.fk = fk
        self.parent = parent
        self.columns = tuple(fk.columns)
        self.salt = salt
        self.a = skew_exponent(temperature)
        self.perm = Perm(max(parent.n, 1), salt + 11)
        self.capacity = MAX_SPACE

    def compute(self, rows: np.ndarray, contiguous: bool = False) -> list[pa.Array]:
        P = self.parent.n
        u = hash_unit(rows, self.salt)
        idx = np.minimum((P * u ** self.a).astype(np.int64), P - 1)
        return self.parent.values_at(self.fk.ref_columns, self.perm(idx))


class Structure(Source):
    """A unique set with FK dims (and free dims), or a product of free dims."""

    def __init__(self, columns: tuple[str, ...], anchor: FKDim | None, dims: list[Dim], salt: int,
                 constraint: str, identity: bool):
        self.columns = tuple(columns)
        self.anchor = anchor
        self.salt = salt
        self.constraint = constraint
        self.identity = identity
        _mark_skip(anchor, dims)
        self.dims, self.space = _fit_space(dims)
        self.perm = Perm(self.space, salt) if (not identity and self.space > 0) else None
        self.extras: list[tuple[list[Dim], int, Perm, int]] = []
        self.capacity_reason = "parents" if (anchor is not None or any(isinstance(d, FKDim) for d in dims)) \
            else "type"
        self._capacity()
        self.starts: np.ndarray | None = None
        self.counts: np.ndarray | None = None

    def _capacity(self) -> None:
        per = min([self.space] + [sp for _, sp, _, _ in self.extras])
        self.per_parent = per
        self.capacity = min(self.anchor.size * per, MAX_SPACE) if self.anchor is not None else per

    def add_extra(self, dims: list[Dim], salt: int, label: str) -> None:
        """Another unique set holding the anchor: its other columns distinct within each anchor parent."""
        _mark_skip(self.anchor, dims)
        dims, space = _fit_space(dims)
        self.extras.append((dims, space, Perm(max(space, 1), salt), salt))
        self.columns = self.columns + tuple(c for d in dims for c in d.columns)
        self.constraint += f" + {label}"
        self._capacity()

    def bind(self, n: int, rng: np.random.Generator, temperature: float) -> None:
        """Draw the per-anchor-parent counts (sum n, each <= space)."""
        if self.anchor is None:
            return
        P = self.anchor.size
        cap = self.per_parent
        counts = per_parent_counts(n, P, cap, rng, temperature)
        self.counts = counts
        self.starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def compute(self, rows: np.ndarray, contiguous: bool = False) -> list[pa.Array]:
        rows = np.asarray(rows, dtype=np.int64)
        out: dict[str, pa.Array] = {}
        if self.anchor is not None:
            assert self.starts is not None and self.counts is not None
            if contiguous and len(rows):
                r0, r1 = int(rows[0]), int(rows[-1]) + 1
                p0 = int(np.searchsorted(self.starts, r0, side="right")) - 1
                p1 = int(np.searchsorted(self.starts, r1 - 1, side="right")) - 1
                seg = self.starts[p0:p1 + 2].copy()
                seg[0] = r0
                seg[-1] = r1
                reps = np.diff(seg)
                p = np.repeat(np.arange(p0, p1 + 1, dtype=np.int64), reps)
            else:
                p = np.searchsorted(self.starts, rows, side="right").astype(np.int64) - 1
            j = rows - self.starts[p]
            for c, v in zip(self.anchor.columns, self.anchor.values(p)):
                out[c] = v
            if self.identity:
                idx = j
            else:
                off = (mix64(p, self.salt) % np.uint64(self.space)).astype(np.int64)
                idx = self.perm((off + j) % self.space)
        else:
            if self.identity:
                idx = rows
            else:
                idx = self.perm(rows)
        pp = p if self.anchor is not None else None
        _decompose(idx, self.dims, out, pp)
        if self.anchor is not None:
            for dims, space, perm, salt in self.extras:
                off = (mix64(p, salt) % np.uint64(space)).astype(np.int64)
                _decompose(perm((off + j) % space), dims, out, pp)
        return [out[c] for c in self.columns]


def _mark_skip(anchor: FKDim | None, dims: list[Dim]) -> None:
    """A second FK to the anchor's parent (pairs of the same table: assembly/component,
    follower/followed) never takes the anchor's own row: no self-pairs."""
    if anchor is None:
        return
    for d in dims:
        if isinstance(d, FKDim) and not d.skip_anchor and d.parent is anchor.parent and \
                [low(c) for c in d.fk.ref_columns] == [low(c) for c in anchor.fk.ref_columns]:
            d.skip_anchor = True
            d.size = max(d.size - 1, 0)


def _decompose(idx: np.ndarray, dims: list[Dim], out: dict[str, pa.Array], p: np.ndarray | None = None) -> None:
    """Mixed radix, first dim varies fastest."""
    rest = idx
    for d in dims:
        size = max(int(d.size), 1)
        sub = rest % size
        rest = rest // size
        if p is not None and isinstance(d, FKDim) and d.skip_anchor:
            sub = sub + (sub >= p)
        for c, v in zip(d.columns, d.values(sub)):
            out[c] = v


def _fit_space(dims: list[Dim]) -> tuple[list[Dim], int]:
    """FK dims first (their sizes are fixed), free dims limited so the product stays < 2^62."""
    fk = [d for d in dims if isinstance(d, FKDim)]
    free = [d for d in dims if not isinstance(d, FKDim)]
    space = 1
    for d in fk:
        space *= max(d.size, 0)
    if space > MAX_SPACE:
        space = MAX_SPACE
    if free:
        budget = max(1, MAX_SPACE // max(space, 1))
        share = max(2, min(1 << 20, int(budget ** (1.0 / len(free)))))
        for d in free:
            d.size = int(max(1, min(d.size, share)))
            if isinstance(d, FreeDim):
                d.coder.spread(d.size)
            space *= d.size
    return fk + free, int(min(space, MAX_SPACE))


def per_parent_counts(n: int, P: int, cap: int, rng: np.random.Generator, temperature: float) -> np.ndarray:
    """n children over P parents, skewed (gamma weights; temperature widens the spread), each
    count <= cap. Vectorised; a few rounds of redistribution when caps bind."""
    if P <= 0 or n <= 0:
        return np.zeros(max(P, 0), dtype=np.int64)
    t = min(max(float(temperature), 0.0), 2.0)
    shape = 1.0 / (0.15 + 0.35 * t)  # T=0: 6.7 (even), T=1: 2 , T=2: 1.2 (skewed)
    w = rng.gamma(shape, 1.0, P)
    w /= w.sum()
    counts = rng.poisson(w * n).astype(np.int64)
    cap = int(min(cap, n))
    np.minimum(counts, cap, out=counts)
    for _ in range(50):
        diff = n - int(counts.sum())
        if diff == 0:
            break
        if diff > 0:
            room = cap - counts
            free = np.nonzero(room > 0)[0]
            if len(free) == 0:
                break
            pw = w[free] + 1e-12
            add = rng.multinomial(diff, pw / pw.sum()) if len(free) < 5_000_000 else None
            if add is None:
                break
            counts[free] += np.minimum(add, room[free])
        else:
            has = np.nonzero(counts > 0)[0]
            take = rng.choice(has, size=min(-diff, len(has)), replace=False)
            counts[take] -= 1
    if int(counts.sum()) != n:
        # deterministic fill (caps bind almost everywhere)
        diff = n - int(counts.sum())
        room = cap - counts
        if diff > 0:
            order = np.nonzero(room > 0)[0]
            cum = np.cumsum(room[order])
            k = int(np.searchsorted(cum, diff))
            counts[order[:k]] += room[order[:k]]
            rest = diff - (int(cum[k - 1]) if k else 0)
            if k < len(order):
                counts[order[k]] += rest
    return counts


# --------------------------------------------------------------------------- FK sampling

class FKSampler:
    """Parent row indices for a non-key FK: Zipf-like popularity over a random permutation of
    the parents (``floor(P * u**a)``); a self-reference builds a level-by-level hierarchy."""

    def __init__(self, fk: ForeignKey, parent: "TablePlan", salt: int, temperature: float,
                 self_ref: bool = False, n_rows: int = 0):
        self.fk = fk
        self.parent = parent
        self.salt = salt
        self.a = skew_exponent(temperature)
        self.perm = Perm(max(parent.n, 1), salt)
        self.self_ref = self_ref
        if self_ref:
            n = max(n_rows, 1)
            roots = max(1, min(n, int(round(n * 0.02)) or 1, 5 + n // 1000))
            fan = 4 if temperature <= 1 else 6
            b = [0, roots]
            while b[-1] < n:
                b.append(min(n, b[-1] + (b[-1] - b[-2]) * fan))
            self.levels = np.array(b, dtype=np.int64)

    def sample(self, rows: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """-> (parent rows, is_root mask (self-references only))."""
        n = len(rows)
        P = self.parent.n
        if self.self_ref:
            lv = np.searchsorted(self.levels, rows, side="right") - 1  # level index of each row
            root = lv == 0
            lo = self.levels[np.maximum(lv - 1, 0)]
            hi = self.levels[np.maximum(lv, 1)]
            prow = lo + (rng.random(n) * (hi - lo)).astype(np.int64)
            prow = np.minimum(prow, rows - 1)
            prow[root] = rows[root]
            return prow, root
        u = rng.random(n)
        idx = np.minimum((P * u ** self.a).astype(np.int64), P - 1)
        return self.perm(idx), np.zeros(n, dtype=bool)


# --------------------------------------------------------------------------- table plan

@dataclass
class TablePlan:
    table: Table
    n: int = 0
    sources: list[Source] = field(default_factory=list)
    by_column: dict[str, tuple[Source, int]] = field(default_factory=dict)  # lower name -> (source, position)
    unique_alone: set[str] = field(default_factory=set)  # lower names of columns unique by themselves
    notices: list[str] = field(default_factory=list)

    def add(self, src: Source) -> None:
        self.sources.append(src)
        for i, c in enumerate(src.columns):
            self.by_column[low(c)] = (src, i)

    @property
    def determined(self) -> set[str]:
        return set(self.by_column)

    def values_at(self, columns: tuple[str, ...] | list[str], rows: np.ndarray) -> list[pa.Array]:
        """Values of index-determined columns at the given row indices."""
        rows = np.asarray(rows, dtype=np.int64)
        cache: dict[int, list[pa.Array]] = {}
        out = []
        for c in columns:
            entry = self.by_column.get(low(c))
            if entry is None:
                raise KeyError(f"column {c} of {self.table.key} is not planned from the row index")
            src, pos = entry
            if id(src) not in cache:
                cache[id(src)] = src.compute(rows)
            out.append(cache[id(src)][pos])
        return out

    def compute_range(self, r0: int, r1: int, skip: set[int] | None = None) -> dict[str, pa.Array]:
        """Every planned column for rows r0..r1 (sources whose id is in ``skip`` left out)."""
        rows = np.arange(r0, r1, dtype=np.int64)
        out: dict[str, pa.Array] = {}
        for src in self.sources:
            if skip and id(src) in skip:
                continue
            for c, v in zip(src.columns, src.compute(rows, contiguous=True)):
                out[low(c)] = v
        return out


def fk_inside(fk: ForeignKey, cols: set[str]) -> bool:
    return all(low(c) in cols for c in fk.columns)


def name_score(col: Column, in_pk: bool) -> tuple:
    """Which column of a unique set to make unique by itself (lower is better)."""
    n = low(col.name)
    k = col.type.kind
    return (0 if col.identity else 1,
            0 if k == Kind.INT else 1 if k in (Kind.DECIMAL, Kind.UUID) else 2 if k == Kind.STRING else 3,
            0 if (n == "id" or n.endswith("id") or n.endswith("_key") or n.endswith("no")) else 1)


PrefixFn = Callable[[Table, Column, int], pa.Array | None]


class KeyPlanner:
    """Plans every table: sources for key columns, capacities (feasibility) and FK samplers."""

    def __init__(self, tables: dict[str, Table], fks: dict[str, list[tuple[ForeignKey, str]]],
                 rules: dict[str, Any], requested: dict[str, int], seed: int, temperature: float,
                 referenced: dict[str, list[tuple[str, ...]]], extra_unique: dict[str, list[tuple[str, ...]]],
                 prefix_fn: PrefixFn | None = None, notices: list[str] | None = None,
                 decide_n: Callable[[str, int, list[Source]], int] | None = None):
        self.tables = tables
        self.fks = fks  # table key -> [(fk, parent key)] (effective, redirected)
        self.rules = rules
        self.requested = requested
        self.seed = seed
        self.temperature = temperature
        self.referenced = referenced
        self.extra_unique = extra_unique
        self.prefix_fn = prefix_fn
        self.notices = notices if notices is not None else []
        self.decide_n = decide_n
        self.plans: dict[str, TablePlan] = {}
        self._busy: set[str] = set()

    def salt(self, *parts: Any) -> int:
        import zlib
        h = zlib.crc32(repr((self.seed,) + parts).encode())
        return (h << 20) ^ (self.seed & 0xFFFFF)

    def rule(self, tkey: str, col: str) -> Any:
        r = self.rules.get(tkey)
        if r is None:
            return None
        cols = getattr(r, "columns", {}) or {}
        if col in cols:
            return cols[col]
        lc = low(col)
        for k, v in cols.items():
            if low(k) == lc:
                return v
        return None

    def plan_all(self) -> dict[str, TablePlan]:
        for k in self.tables:
            self.plan(k)
        return self.plans

    def plan(self, tkey: str) -> TablePlan:
        if tkey in self.plans:
            return self.plans[tkey]
        if tkey in self._busy:
            raise _Cycle(tkey)
        self._busy.add(tkey)
        try:
            plan = self._plan(tkey)
        finally:
            self._busy.discard(tkey)
        self.plans[tkey] = plan
        return plan

    def _coder(self, t: Table, col: Column, needed: int) -> IndexCoder:
        pool = None
        if self.prefix_fn is not None and col.type.kind == Kind.STRING:
            try:
                pool = self.prefix_fn(t, col, needed)
            except Exception:  # noqa: BLE001  realism is optional for keys
                pool = None
        return IndexCoder(col, self.rule(t.key, col.name), needed=needed, salt=self.salt(t.key, col.name, "code"),
                          prefix_pool=pool)

    def _plan(self, tkey: str) -> TablePlan:
        t = self.tables[tkey]
        req = int(self.requested.get(tkey, 0))
        plan = TablePlan(table=t)
        fks = self.fks.get(tkey, [])
        pk = tuple(t.primary_key)
        pk_low = {low(c) for c in pk}
        sets: list[tuple[tuple[str, ...], str]] = []
        for u in t.unique_sets():
            sets.append((tuple(u), "PRIMARY KEY" if tuple(u) == pk else f"UNIQUE ({', '.join(u)})"))
        for u in self.extra_unique.get(tkey, []):
            if all(low(a) != low(b) for s, _ in sets for a, b in [(",".join(s), ",".join(u))]):
                sets.append((tuple(u), f"UNIQUE ({', '.join(u)}) (spec)"))
        ref_sets = self.referenced.get(tkey, [])
        for u in ref_sets:
            if not any({low(c) for c in s} == {low(c) for c in u} for s, _ in sets):
                sets.append((tuple(u), f"referenced ({', '.join(u)})"))
        generated = {low(c.name) for c in t.columns if c.is_generated}
        struct: Structure | None = None
        for s, label in sets:
            scols = [c for c in s if t.has_column(c)]
            if not scols or any(low(c) in generated for c in scols):
                if scols:
                    self.notices.append(f"table {t.key}: {label} includes a computed column; not enforced")
                continue
            sl = {low(c) for c in scols}
            if sl & plan.unique_alone:
                continue
            if struct is not None and {low(c) for c in struct.columns} <= sl:
                continue
            undetermined = [c for c in scols if low(c) not in plan.determined]
            if not undetermined:
                self.notices.append(f"table {t.key}: {label} could not be guaranteed (its columns are "
                                    f"already fixed by another key)")
                continue
            # FK dims fully inside the set, on undetermined columns, not self-references
            dims: list[FKDim] = []
            used: set[str] = set()
            for fk, pkey in fks:
                if pkey == tkey or not fk_inside(fk, sl):
                    continue
                fl = {low(c) for c in fk.columns}
                if fl & used or fl & plan.determined:
                    continue
                try:
                    parent = self.plan(pkey)
                except _Cycle:
                    self.notices.append(f"table {t.key}: FK ({', '.join(fk.columns)}) in {label} is part of a "
                                        f"key cycle; sampled as a free column")
                    continue
                dims.append(FKDim(fk, parent))
                used |= fl
            free = [t.column(c) for c in scols if low(c) not in used and low(c) not in plan.determined]
            is_pk = label == "PRIMARY KEY"
            if struct is not None and struct.anchor is not None and fk_inside(struct.anchor.fk, sl) \
                    and not (sl - {low(c) for c in struct.anchor.columns}) & plan.determined:
                extra_dims: list[Dim] = [d for d in dims if d.fk is not struct.anchor.fk]
                extra_dims += [FreeDim(self._coder(t, c, max(req, 1))) for c in free]
                if extra_dims:
                    struct.add_extra(extra_dims, self.salt(tkey, "extra", label), label)
                    for c in struct.columns:
                        plan.by_column[low(c)] = (struct, struct.columns.index(c))
                    continue
            if dims and struct is None and not (sl & plan.determined):
                salt = self.salt(tkey, "struct")
                fdims = [FreeDim(self._coder(t, c, max(req, 1))) for c in free]
                if len(dims) + len(fdims) == 1:
                    struct = Structure(tuple(dims[0].columns), None, list(dims), salt, label, identity=False)
                else:
                    anchor, rest = dims[0], dims[1:]
                    only_free = not rest
                    all_dims: list[Dim] = list(fdims) + list(rest)
                    if only_free and len(fdims) == 1:
                        struct = Structure(tuple(anchor.columns) + fdims[0].columns, anchor, all_dims, salt, label,
                                           identity=True)
                    else:
                        cols = tuple(anchor.columns) + tuple(c for d in all_dims for c in d.columns)
                        struct = Structure(cols, anchor, all_dims, salt, label, identity=False)
                plan.add(struct)
                if len(sl) == len(struct.columns) and len(dims) == 1 and struct.anchor is None:
                    plan.unique_alone |= sl if len(sl) == 1 else set()
                continue
            # a free column unique by itself
            cand = sorted(free, key=lambda c: name_score(c, is_pk))
            best = None
            for c in cand:
                coder = self._coder(t, c, max(req, 1))
                if coder.capacity >= req:
                    best = (c, coder)
                    break
            if best is None and cand and not dims:
                if len(free) > 1:
                    # product space of the free columns
                    fdims = [FreeDim(self._coder(t, c, max(req, 1))) for c in free]
                    fdims.sort(key=lambda d: -d.size)
                    st = Structure(tuple(c for d in fdims for c in d.columns), None, list(fdims),
                                   self.salt(tkey, "free", label), label, identity=False)
                    plan.add(st)
                    if struct is None:
                        struct = st
                    continue
                caps = [(self._coder(t, c, max(req, 1)), c) for c in cand]
                coder, c = max(caps, key=lambda x: x[0].capacity)
                best = (c, coder)
            if best is None:
                self.notices.append(f"table {t.key}: {label} could not be guaranteed by construction")
                continue
            c, coder = best
            identity = is_pk and len(scols) == 1 or (coder.ct.kind == Kind.STRING and coder.prefix_pool is None) \
                or (is_pk and c.identity)
            src = CodeSource(coder, permute=not identity, salt=self.salt(tkey, c.name, "perm"), constraint=label)
            src.perm_salt = self.salt(tkey, c.name, "perm")  # type: ignore[attr-defined]
            plan.add(src)
            plan.unique_alone.add(low(c.name))
        # referenced sets: every column computable from the row index
        for u in ref_sets:
            for fk, pkey in fks:
                if pkey == tkey or not fk_inside(fk, {low(c) for c in u}):
                    continue
                if any(low(c) in plan.determined for c in fk.columns):
                    continue
                try:
                    parent = self.plan(pkey)
                except _Cycle:
                    continue
                plan.add(FKHashSource(fk, parent, self.salt(tkey, "fkhash", fk.columns), self.temperature))
            for c in u:
                if t.has_column(c) and low(c) not in plan.determined:
                    col = t.column(c)
                    plan.add(HashSource(self._coder(t, col, max(req, 1)), self.salt(tkey, c, "hash")))
        # row count
        n = req
        if self.decide_n is not None:
            n = self.decide_n(tkey, req, plan.sources)
        plan.n = n
        rng = np.random.default_rng([self.salt(tkey, "counts") & 0xFFFFFFFF, self.seed & 0xFFFFFFFF])
        for src in plan.sources:
            if isinstance(src, Structure):
                src.bind(n, rng, self.temperature)
            elif isinstance(src, CodeSource):
                src.bind(n)
        return plan


class _Cycle(Exception):
    pass
