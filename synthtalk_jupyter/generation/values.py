"""Type-driven vectorised value generators.

Everything here works on whole arrays (NumPy / pyarrow compute): no Python loop per row.

* ``arrow_type(ctype)``: the Arrow type of a column's batches (the store/export contract).
* ``Domain``: a column's allowed values as numbers ("units") for ordered kinds
  (INT, DECIMAL unscaled, FLOAT, DATE days, TIMESTAMP/TIME microseconds), from the type
  and the CHECK rule.
* ``IndexCoder``: an injective map ``index -> value`` over ``[0, capacity)``, used for keys
  and UNIQUE columns (values unique by construction, computable from a row index).
* ``random_values``: plausible values for any kind, fitted to the type and the rule.
* ``fit_values``: fit an array (semantic values, spec values) to the type and the rule.
* ``pattern_values``: a small regex-like pattern (``[A-Z]{3}-\\d{4}``) generated vectorised.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..schema.model import Column, ColumnType, Kind

EPOCH_DATE = dt.date(1970, 1, 1)
EPOCH_TS = dt.datetime(1970, 1, 1)
US_PER_DAY = 86_400_000_000
US_PER_S = 1_000_000
DATE_MIN = (dt.date(1, 1, 1) - EPOCH_DATE).days
DATE_MAX = (dt.date(9999, 12, 31) - EPOCH_DATE).days
DEFAULT_DATE_LO = (dt.date(2018, 1, 1) - EPOCH_DATE).days
DEFAULT_DATE_HI = (dt.date(2025, 6, 30) - EPOCH_DATE).days

ORDERED_KINDS = {Kind.INT, Kind.DECIMAL, Kind.FLOAT, Kind.DATE, Kind.TIMESTAMP, Kind.TIMESTAMPTZ, Kind.TIME}
STRINGY_KINDS = {Kind.STRING, Kind.JSON, Kind.GEOMETRY, Kind.OTHER, Kind.UUID, Kind.ENUM, Kind.SET}

WORDS = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et "
    "dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea "
    "commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum eu fugiat nulla pariatur "
    "excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est "
    "laborum quickly carefully final pending special regular express ironic bold furious blithely slyly "
    "even deposits accounts packages requests instructions theodolites pinto beans foxes ideas dependencies "
    "platelets asymptotes courts dolphins sheaves warhorses frays sleep wake haggle nag cajole detect "
    "integrate use boost affix among across above against along after about silent unusual careful"
).split()


# --------------------------------------------------------------------------- types

def decimal_ps(ct: ColumnType) -> tuple[int, int]:
    s = ct.scale if ct.scale is not None else (0 if ct.precision is not None else 2)
    p = ct.precision if ct.precision is not None else 18
    p = max(1, min(p, 38))
    s = max(0, min(s, p))
    return p, s


def arrow_type(ct: ColumnType) -> pa.DataType:
    k = ct.kind
    if k == Kind.INT:
        bits = ct.bits or 32
        if ct.unsigned:
            return {8: pa.uint8(), 16: pa.uint16(), 24: pa.uint32(), 32: pa.uint32()}.get(bits, pa.uint64())
        return {8: pa.int8(), 16: pa.int16(), 24: pa.int32(), 32: pa.int32()}.get(bits, pa.int64())
    if k == Kind.DECIMAL:
        p, s = decimal_ps(ct)
        return pa.decimal128(p, s)
    if k == Kind.FLOAT:
        return pa.float32() if (ct.bits or 64) <= 32 else pa.float64()
    if k == Kind.BOOL:
        return pa.bool_()
    if k == Kind.DATE:
        return pa.date32()
    if k == Kind.TIME:
        return pa.time64("us")
    if k == Kind.TIMESTAMP:
        return pa.timestamp("us")
    if k == Kind.TIMESTAMPTZ:
        return pa.timestamp("us", tz="UTC")
    if k == Kind.INTERVAL:
        return pa.month_day_nano_interval()
    if k == Kind.BYTES:
        return pa.binary()
    if k == Kind.ARRAY:
        return pa.list_(arrow_type(ct.element) if ct.element is not None else pa.string())
    return pa.string()


def _rule_get(rule: Any, name: str, default: Any = None) -> Any:
    return getattr(rule, name, default) if rule is not None else default


# --------------------------------------------------------------------------- hashing

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(x: np.ndarray, salt: int = 0) -> np.ndarray:
    """splitmix64 finaliser of ``x + salt``: a bijection on uint64, vectorised."""
    z = np.asarray(x).astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z += np.uint64((salt * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)
        z ^= z >> np.uint64(30)
        z *= _M1
        z ^= z >> np.uint64(27)
        z *= _M2
        z ^= z >> np.uint64(31)
    return z


def hash_unit(x: np.ndarray, salt: int) -> np.ndarray:
    """Uniform floats in [0, 1) from row indices (deterministic)."""
    return (mix64(x, salt) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


class Perm:
    """A pseudo-random bijection of [0, m), vectorised (bit-mixing on 2^k plus cycle walking)."""

    def __init__(self, m: int, salt: int):
        self.m = int(max(m, 1))
        self.k = max(1, (self.m - 1).bit_length())
        self.mask = np.uint64((1 << self.k) - 1) if self.k < 64 else np.uint64(0xFFFFFFFFFFFFFFFF)
        r = np.random.default_rng([salt & 0xFFFFFFFF, (salt >> 32) & 0xFFFFFFFF, 7])
        self.mults = [np.uint64(int(r.integers(1, 1 << 62)) | 1) for _ in range(3)]
        self.adds = [np.uint64(int(r.integers(0, 1 << 62))) for _ in range(3)]
        self.shift = np.uint64(max(1, self.k // 2))

    def _round(self, z: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            for a, b in zip(self.mults, self.adds):
                z = (z * a + b) & self.mask
                z ^= z >> self.shift
        return z

    def __call__(self, idx: np.ndarray) -> np.ndarray:
        if self.m == 1:
            return np.zeros(len(idx), dtype=np.int64)
        z = self._round(np.asarray(idx, dtype=np.uint64))
        bad = np.nonzero(z >= np.uint64(self.m))[0]
        while len(bad):
            z2 = self._round(z[bad])
            z[bad] = z2
            bad = bad[z2 >= np.uint64(self.m)]
        return z.astype(np.int64)


# --------------------------------------------------------------------------- units (ordered kinds)

def _to_units(kind: Kind, v: Any, scale: int, *, up: bool) -> int | float | None:
    """A python bound -> the kind's numeric unit (rounding inwards: ``up`` for low bounds)."""
    if v is None:
        return None
    try:
        if kind == Kind.INT:
            if isinstance(v, (dt.date, dt.time)):
                return None
            d = Decimal(str(v))
            return int(d.to_integral_value(rounding="ROUND_CEILING" if up else "ROUND_FLOOR"))
        if kind == Kind.DECIMAL:
            if isinstance(v, (dt.date, dt.time)):
                return None
            d = Decimal(str(v)).scaleb(scale)
            return int(d.to_integral_value(rounding="ROUND_CEILING" if up else "ROUND_FLOOR"))
        if kind == Kind.FLOAT:
            return float(v)
        if kind == Kind.DATE:
            if isinstance(v, dt.datetime):
                d = (v.date() - EPOCH_DATE).days
                if up and v.time() != dt.time(0):
                    d += 1
                return d
            if isinstance(v, dt.date):
                return (v - EPOCH_DATE).days
            return None
        if kind in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
            if isinstance(v, dt.datetime):
                if v.tzinfo is not None:
                    v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
                delta = v - EPOCH_TS
            elif isinstance(v, dt.date):
                delta = dt.datetime(v.year, v.month, v.day) - EPOCH_TS
            else:
                return None
            return delta.days * US_PER_DAY + delta.seconds * US_PER_S + delta.microseconds
        if kind == Kind.TIME:
            if isinstance(v, dt.time):
                return ((v.hour * 60 + v.minute) * 60 + v.second) * US_PER_S + v.microsecond
            return None
    except Exception:  # noqa: BLE001
        return None
    return None


class Domain:
    """Allowed values of an ordered-kind column in units: [lo, hi] inclusive, or a union of
    ranges; ``default`` is the plausible sub-range used when the rule leaves it open."""

    def __init__(self, col: Column, rule: Any = None, temperature: float = 1.0, *,
                 lo: Any = None, hi: Any = None):
        ct = col.type
        self.kind = ct.kind
        self.scale = decimal_ps(ct)[1] if ct.kind == Kind.DECIMAL else 0
        self.integral = self.kind != Kind.FLOAT
        k = self.kind
        f = 10.0 ** (min(max(temperature, 0.0), 2.0) - 1.0)  # 0.1 .. 10
        if k == Kind.INT:
            tlo, thi = INT_RANGE(ct)
            dlo, dhi = 1, int(max(10, 1000 * f))
        elif k == Kind.DECIMAL:
            p, s = decimal_ps(ct)
            m = 10 ** p - 1
            tlo, thi = -m, m
            dlo, dhi = 0, int(max(10, 1000 * f) * 10 ** s)
        elif k == Kind.FLOAT:
            tlo, thi = (-3.4e38, 3.4e38) if (ct.bits or 64) <= 32 else (-1.7e308, 1.7e308)
            dlo, dhi = 0.0, max(10.0, 1000.0 * f)
        elif k == Kind.DATE:
            tlo, thi = DATE_MIN, DATE_MAX
            mid = (DEFAULT_DATE_LO + DEFAULT_DATE_HI) // 2
            half = int((DEFAULT_DATE_HI - DEFAULT_DATE_LO) / 2 * math.sqrt(f))
            dlo, dhi = mid - half, mid + half
        elif k in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
            tlo, thi = DATE_MIN * US_PER_DAY, (DATE_MAX + 1) * US_PER_DAY - 1
            mid = (DEFAULT_DATE_LO + DEFAULT_DATE_HI) // 2
            half = int((DEFAULT_DATE_HI - DEFAULT_DATE_LO) / 2 * math.sqrt(f))
            dlo, dhi = (mid - half) * US_PER_DAY, (mid + half) * US_PER_DAY
        elif k == Kind.TIME:
            tlo, thi = 0, US_PER_DAY - 1
            dlo, dhi = 0, US_PER_DAY - 1
        else:
            raise ValueError(f"no ordered domain for kind {k}")
        rlo = _to_units(k, lo if lo is not None else _rule_get(rule, "low"), self.scale, up=True)
        rhi = _to_units(k, hi if hi is not None else _rule_get(rule, "high"), self.scale, up=False)
        if rlo is not None and lo is None and not _rule_get(rule, "low_inclusive", True):
            rlo = rlo + 1 if self.integral and _exact(k, _rule_get(rule, "low"), self.scale) else (
                np.nextafter(rlo, math.inf) if not self.integral else rlo)
        if rhi is not None and hi is None and not _rule_get(rule, "high_inclusive", True):
            rhi = rhi - 1 if self.integral and _exact(k, _rule_get(rule, "high"), self.scale) else (
                np.nextafter(rhi, -math.inf) if not self.integral else rhi)
        self.lo = max(tlo, rlo) if rlo is not None else tlo
        self.hi = min(thi, rhi) if rhi is not None else thi
        self.bounded_lo = rlo is not None
        self.bounded_hi = rhi is not None
        # ranges: half-open [a, b)
        self.ranges: list[tuple[Any, Any]] | None = None
        rr = _rule_get(rule, "ranges")
        if rr and lo is None and hi is None:
            out = []
            for a, b in rr:
                ua = _to_units(k, a, self.scale, up=True) if a is not None else self.lo
                ub = _to_units(k, b, self.scale, up=True) if b is not None else None
                if ub is not None:
                    ub = ub - 1 if self.integral else np.nextafter(ub, -math.inf)
                else:
                    ub = self.hi
                ua, ub = max(ua, self.lo), min(ub, self.hi)
                if ua <= ub:
                    out.append((ua, ub))
            self.ranges = out or None
        # plausible default window inside [lo, hi]
        span = dhi - dlo
        if self.bounded_lo and self.bounded_hi:
            self.dlo, self.dhi = self.lo, self.hi
        elif self.bounded_lo:
            self.dlo, self.dhi = self.lo, min(self.hi, self.lo + span)
        elif self.bounded_hi:
            self.dlo, self.dhi = max(self.lo, self.hi - span), self.hi
        else:
            self.dlo, self.dhi = max(self.lo, dlo), min(self.hi, dhi)
            if self.dlo > self.dhi:
                self.dlo, self.dhi = self.lo, self.hi
        if self.kind == Kind.INT and ct.unsigned:
            self.dlo = max(self.dlo, 0)

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.ranges is not None and not self.ranges)

    def capacity(self) -> int:
        if not self.integral:
            return 1 << 62
        if self.ranges:
            return int(sum(b - a + 1 for a, b in self.ranges))
        return int(max(0, self.hi - self.lo + 1))

    def sample(self, n: int, rng: np.random.Generator, dist: str | None = None,
               params: dict | None = None, temperature: float = 1.0) -> np.ndarray:
        """n values in units (int64 or float64) inside the domain."""
        if self.ranges:
            sizes = np.array([float(b) - float(a) + (1 if self.integral else 0) for a, b in self.ranges])
            which = rng.choice(len(self.ranges), size=n, p=sizes / sizes.sum()) if len(self.ranges) > 1 \
                else np.zeros(n, dtype=np.int64)
            los = np.array([a for a, _ in self.ranges], dtype=np.float64 if not self.integral else object)
            out = np.empty(n, dtype=np.int64 if self.integral else np.float64)
            for i, (a, b) in enumerate(self.ranges):  # per range, not per row
                m = which == i
                cnt = int(m.sum())
                if cnt:
                    out[m] = self._uniform(a, b, cnt, rng)
            del los
            return out
        lo, hi = self.dlo, self.dhi
        if dist in (None, "uniform"):
            return self._uniform(lo, hi, n, rng)
        params = params or {}
        flo, fhi = float(lo), float(hi)
        width = max(fhi - flo, 1e-9)
        t = min(max(temperature, 0.0), 2.0)
        if dist == "normal":
            mean = float(params.get("mean", (flo + fhi) / 2))
            sd = float(params.get("std", width / 6 * (0.5 + t / 2)))
            x = rng.normal(mean, sd, n)
        elif dist == "lognormal":
            sigma = float(params.get("sigma", 0.6 * (0.5 + t / 2)))
            x = flo + rng.lognormal(0.0, sigma, n) / math.exp(sigma * 3) * width
        elif dist == "exponential":
            scale = float(params.get("scale", width / 5 * (0.5 + t / 2)))
            x = flo + rng.exponential(scale, n)
        elif dist == "zipf":
            a = float(params.get("a", 1.3 + (2 - t) * 0.35))
            x = flo + (rng.zipf(a, n) - 1).astype(np.float64)
        else:
            x = rng.uniform(flo, fhi, n)
        x = np.clip(x, flo, fhi)
        if self.integral:
            return np.clip(np.rint(x).astype(np.int64), lo, hi)
        return x

    def _uniform(self, a: Any, b: Any, n: int, rng: np.random.Generator) -> np.ndarray:
        if self.integral:
            a, b = int(a), int(b)
            if b - a < (1 << 62):
                return rng.integers(a, b, size=n, endpoint=True, dtype=np.int64)
            return rng.integers(max(a, -(1 << 62)), min(b, 1 << 62), size=n, dtype=np.int64)
        return rng.uniform(float(a), float(b), n)

    def contains(self, u: np.ndarray) -> np.ndarray:
        if self.ranges:
            ok = np.zeros(len(u), dtype=bool)
            for a, b in self.ranges:
                ok |= (u >= a) & (u <= b)
            return ok
        return (u >= self.lo) & (u <= self.hi)

    def first(self, count: int, step: int = 1) -> Any:
        """Where index coding starts: the plausible window when ``count`` values fit from there."""
        base = self.lo if self.bounded_lo else max(self.lo, self.dlo)
        if self.integral and base + (max(count, 1) - 1) * step > self.hi:
            base = self.lo
        return base

    def nth(self, idx: np.ndarray, step: int = 1, base: Any = None) -> np.ndarray:
        """The idx-th value of the domain (idx < capacity//step), for index coding."""
        idx = np.asarray(idx, dtype=np.int64)
        if self.ranges:
            sizes = np.array([int(b - a + 1) // step for a, b in self.ranges], dtype=np.int64)
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
            which = np.searchsorted(np.cumsum(sizes), idx, side="right")
            which = np.minimum(which, len(sizes) - 1)
            base_r = np.array([int(a) for a, _ in self.ranges], dtype=np.int64)
            return base_r[which] + (idx - starts[which]) * step
        if base is None:
            base = self.lo if self.bounded_lo else max(self.lo, self.dlo)
        if self.integral:
            return int(base) + idx * step
        return float(base) + idx.astype(np.float64) * step


def native_bounds(col: Column, dialect: str) -> tuple[Any, Any, Any, Any] | None:
    """Limits of a dialect's native type narrower than its Kind: (lo, hi, plausible lo, plausible hi)."""
    raw = (col.type.raw or col.type.sql or "").strip().upper()
    base = raw.split("(")[0].strip()
    d = (dialect or "").lower()
    if base.startswith("YEAR") and col.type.kind == Kind.INT:
        return 1901, 2155, 1990, 2025
    if col.type.kind in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
        if d in ("mysql", "mariadb") and base == "TIMESTAMP":
            return dt.datetime(1970, 1, 2), dt.datetime(2038, 1, 18), None, None
        if base == "SMALLDATETIME":
            return dt.datetime(1900, 1, 1), dt.datetime(2079, 6, 5), None, None
        if base == "DATETIME" and d in ("tsql", "mysql", "mariadb"):
            return (dt.datetime(1753, 1, 1) if d == "tsql" else dt.datetime(1000, 1, 1)), None, None, None
    if col.type.kind == Kind.DATE and d in ("mysql", "mariadb"):
        return dt.date(1000, 1, 1), None, None, None
    return None


def narrow(d: "Domain", col: Column, bounds: tuple[Any, Any, Any, Any]) -> "Domain":
    lo, hi, plo, phi = bounds
    k = col.type.kind
    if lo is not None:
        u = _to_units(k, lo, d.scale, up=True)
        if u is not None:
            d.lo = max(d.lo, u)
    if hi is not None:
        u = _to_units(k, hi, d.scale, up=False)
        if u is not None:
            d.hi = min(d.hi, u)
    if plo is not None and not d.bounded_lo:
        d.dlo = _to_units(k, plo, d.scale, up=True)
    if phi is not None and not d.bounded_hi:
        d.dhi = _to_units(k, phi, d.scale, up=False)
    d.dlo = min(max(d.dlo, d.lo), d.hi)
    d.dhi = max(min(d.dhi, d.hi), d.dlo)
    if d.ranges:
        d.ranges = [(max(a, d.lo), min(b, d.hi)) for a, b in d.ranges if max(a, d.lo) <= min(b, d.hi)] or None
    return d


def _exact(kind: Kind, v: Any, scale: int) -> bool:
    try:
        d = Decimal(str(v))
        if kind == Kind.DECIMAL:
            d = d.scaleb(scale)
        return d == d.to_integral_value()
    except Exception:  # noqa: BLE001
        return True


def INT_RANGE(ct: ColumnType) -> tuple[int, int]:
    lo, hi = ct.int_range()
    # stay inside int64 for NumPy
    return max(lo, -(1 << 63)), min(hi, (1 << 63) - 1)


# --------------------------------------------------------------------------- units -> arrow

def units_to_arrow(u: np.ndarray, ct: ColumnType, mask: np.ndarray | None = None) -> pa.Array:
    """Numbers in the kind's unit -> an Arrow array of the column's type."""
    k = ct.kind
    t = arrow_type(ct)
    if k == Kind.INT:
        return pa.array(u.astype(t.to_pandas_dtype(), copy=False), type=t, mask=mask)
    if k == Kind.DECIMAL:
        u = np.asarray(u, dtype=np.int64)
        buf = np.empty((len(u), 2), dtype=np.int64)
        buf[:, 0] = u
        buf[:, 1] = u >> 63
        validity = None
        if mask is not None and mask.any():
            validity = pa.array(~mask).buffers()[1]
        return pa.Array.from_buffers(t, len(u), [validity, pa.py_buffer(buf.tobytes())],
                                     null_count=int(mask.sum()) if mask is not None else 0)
    if k == Kind.FLOAT:
        return pa.array(np.asarray(u, dtype=np.float64).astype(t.to_pandas_dtype()), type=t, mask=mask)
    if k == Kind.DATE:
        return pa.array(np.asarray(u, dtype=np.int32), type=pa.int32(), mask=mask).cast(pa.date32())
    if k in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ, Kind.TIME):
        arr = pa.array(np.asarray(u, dtype=np.int64), type=pa.int64(), mask=mask)
        return arr.cast(t) if k != Kind.TIME else arr.cast(pa.time64("us"))
    raise ValueError(k)


def arrow_to_units(arr: pa.Array, ct: ColumnType) -> tuple[np.ndarray, np.ndarray]:
    """An Arrow array of the column's type -> (units, null mask)."""
    k = ct.kind
    nulls = arr.is_null().to_numpy(zero_copy_only=False) if arr.null_count else np.zeros(len(arr), bool)
    if k == Kind.INT:
        a = pc.fill_null(arr.cast(pa.int64(), safe=False), 0)
        return a.to_numpy(zero_copy_only=False), nulls
    if k == Kind.DECIMAL:
        _, s = decimal_ps(ct)
        a = arr
        if not pa.types.is_decimal(a.type):
            a = pc.round(a.cast(pa.float64()), s).cast(pa.decimal128(38, s), safe=False)
        a = pc.fill_null(a, 0)
        # unscaled int64 from decimal128: multiply by 10^s as float is lossy; use buffers
        a = a.cast(pa.decimal128(38, s)) if a.type.scale != s else a
        raw = np.frombuffer(a.buffers()[1], dtype=np.int64, count=2 * (len(a) + a.offset))
        return raw[0::2][a.offset:a.offset + len(a)].copy(), nulls
    if k == Kind.FLOAT:
        return pc.fill_null(arr.cast(pa.float64()), 0).to_numpy(zero_copy_only=False), nulls
    if k == Kind.DATE:
        return pc.fill_null(arr.cast(pa.date32()).cast(pa.int32()), 0).to_numpy(zero_copy_only=False).astype(np.int64), nulls
    if k in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
        a = arr
        if pa.types.is_date(a.type):
            a = a.cast(pa.timestamp("us"))
        if pa.types.is_timestamp(a.type) and a.type.unit != "us":
            a = a.cast(pa.timestamp("us", tz=a.type.tz), safe=False)
        a = a.cast(pa.int64())
        return pc.fill_null(a, 0).to_numpy(zero_copy_only=False), nulls
    if k == Kind.TIME:
        a = arr.cast(pa.time64("us")).cast(pa.int64())
        return pc.fill_null(a, 0).to_numpy(zero_copy_only=False), nulls
    raise ValueError(k)


def python_to_units(col: Column, values: Sequence[Any]) -> np.ndarray:
    scale = decimal_ps(col.type)[1] if col.type.kind == Kind.DECIMAL else 0
    out = [_to_units(col.type.kind, _coerce_py(col.type.kind, v), scale, up=True) for v in values]
    return np.array(out, dtype=np.float64 if col.type.kind == Kind.FLOAT else np.int64)


def _coerce_py(kind: Kind, v: Any) -> Any:
    if isinstance(v, str):
        try:
            if kind == Kind.DATE:
                return dt.date.fromisoformat(v[:10])
            if kind in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
                return dt.datetime.fromisoformat(v)
            if kind == Kind.TIME:
                return dt.time.fromisoformat(v)
        except ValueError:
            return v
    return v


# --------------------------------------------------------------------------- strings

def int_strings(a: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(a, dtype=np.int64)).cast(pa.string())


def zpad(a: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(int_strings(a), width=width, padding="0")


def base36(idx: np.ndarray, width: int) -> pa.Array:
    """Fixed-width base-36 codes (digits + uppercase), vectorised."""
    alphabet = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
    idx = np.asarray(idx, dtype=np.int64).copy()
    out = np.empty((len(idx), width), dtype=np.uint8)
    for pos in range(width - 1, -1, -1):  # per character position
        out[:, pos] = alphabet[idx % 36]
        idx //= 36
    return bytes_matrix_to_strings(out)


def bytes_matrix_to_strings(m: np.ndarray) -> pa.Array:
    n, w = m.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets.tobytes()),
                                                  pa.py_buffer(np.ascontiguousarray(m).tobytes())])


def concat_strings(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def word_pool(rng: np.random.Generator, size: int, min_words: int, max_words: int,
              words: Sequence[str] = WORDS) -> pa.Array:
    """``size`` sentences of random words (vectorised via list arrays)."""
    size = max(1, int(size))
    wa = pa.array(list(words))
    counts = rng.integers(min_words, max_words + 1, size=size)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    idx = rng.integers(0, len(wa), size=int(offsets[-1]))
    lists = pa.ListArray.from_arrays(pa.array(offsets), wa.take(pa.array(idx)))
    return pc.binary_join(lists, " ")


def fit_string_lengths(arr: pa.Array, max_len: int | None, min_len: int | None = None) -> pa.Array:
    if max_len is not None and len(arr):
        mx = pc.max(pc.binary_length(arr)).as_py()  # bytes >= characters: cheap first test
        if mx is not None and mx > max_len:
            mx = pc.max(pc.utf8_length(arr)).as_py()
        if mx is not None and mx > max_len:
            arr = pc.utf8_slice_codeunits(arr, 0, max_len)
            arr = pc.utf8_rtrim_whitespace(arr)
    if min_len and len(arr):
        lens = pc.utf8_length(arr)
        mn = pc.min(lens).as_py()
        if mn is not None and mn < min_len:
            arr = pc.utf8_rpad(arr, width=min_len, padding="x")
    return arr


# --------------------------------------------------------------------------- patterns

_CLASSES = {
    "d": "0123456789",
    "w": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
    "s": " ",
    "l": "abcdefghijklmnopqrstuvwxyz",
    "u": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
}
_ANY = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class PatternError(ValueError):
    pass


def _parse_class(p: str, i: int) -> tuple[str, int]:
    # p[i] == '['
    j = i + 1
    neg = False
    if j < len(p) and p[j] == "^":
        neg = True
        j += 1
    chars: list[str] = []
    first = True
    while j < len(p) and (p[j] != "]" or first):
        first = False
        c = p[j]
        if c == "\\" and j + 1 < len(p):
            e = p[j + 1]
            chars.extend(_CLASSES.get(e, e))
            j += 2
            continue
        if j + 2 < len(p) and p[j + 1] == "-" and p[j + 2] != "]":
            a, b = ord(c), ord(p[j + 2])
            chars.extend(chr(x) for x in range(min(a, b), max(a, b) + 1))
            j += 3
            continue
        chars.append(c)
        j += 1
    if j >= len(p):
        raise PatternError(f"unclosed [ in pattern {p!r}")
    s = "".join(dict.fromkeys(chars))
    if neg:
        s = "".join(c for c in _ANY if c not in s)
    if not s:
        raise PatternError(f"empty character class in pattern {p!r}")
    return s, j + 1


def _parse_pattern(p: str, i: int = 0, stop: str = "") -> tuple[list, int]:
    """-> list of alternatives; each alternative is a list of (atom, min, max); atom is a str of
    characters (one drawn) or a nested list of alternatives."""
    alts: list[list] = [[]]
    while i < len(p):
        c = p[i]
        if c in stop:
            break
        if c == ")":
            raise PatternError(f"unbalanced ) in pattern {p!r}")
        if c == "|":
            alts.append([])
            i += 1
            continue
        if c == "(":
            j = i + 1
            if p.startswith("?:", j):
                j += 2
            sub, j = _parse_pattern(p, j, ")")
            if j >= len(p) or p[j] != ")":
                raise PatternError(f"unclosed ( in pattern {p!r}")
            atom: Any = sub
            i = j + 1
        elif c == "[":
            atom, i = _parse_class(p, i)
        elif c == "\\":
            if i + 1 >= len(p):
                raise PatternError(f"dangling \\ in pattern {p!r}")
            e = p[i + 1]
            atom = _CLASSES.get(e, e)
            i += 2
        elif c == ".":
            atom = _ANY
            i += 1
        elif c in "^$":
            i += 1
            continue
        else:
            atom = c
            i += 1
        lo, hi = 1, 1
        if i < len(p) and p[i] in "?*+{":
            q = p[i]
            if q == "?":
                lo, hi, i = 0, 1, i + 1
            elif q == "*":
                lo, hi, i = 0, 4, i + 1
            elif q == "+":
                lo, hi, i = 1, 4, i + 1
            else:
                m = re.match(r"\{(\d*)(,?)(\d*)\}", p[i:])
                if not m:
                    raise PatternError(f"bad quantifier in pattern {p!r}")
                a = int(m.group(1)) if m.group(1) else 0
                b = int(m.group(3)) if m.group(3) else (a if not m.group(2) else a + 4)
                if b < a or b > 1000:
                    raise PatternError(f"bad quantifier in pattern {p!r}")
                lo, hi, i = a, b, i + m.end()
        alts[-1].append((atom, lo, hi))
    return alts, i


def compile_pattern(p: str) -> list:
    alts, i = _parse_pattern(p)
    if i != len(p):
        raise PatternError(f"unbalanced ) in pattern {p!r}")
    return alts


def _gen_alts(alts: list, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """-> (codepoints (n, L) uint32, present (n, L) bool)."""
    which = rng.integers(0, len(alts), size=n) if len(alts) > 1 else np.zeros(n, dtype=np.int64)
    cols_cp: list[np.ndarray] = []
    cols_ok: list[np.ndarray] = []
    for ai, seq in enumerate(alts):
        chosen = which == ai
        for atom, lo, hi in seq:
            reps = rng.integers(lo, hi + 1, size=n) if hi > lo else np.full(n, lo)
            for r in range(hi):
                present = chosen & (reps > r)
                if isinstance(atom, str):
                    cps = np.frombuffer(atom.encode("utf-32-le"), dtype=np.uint32)
                    cp = cps[rng.integers(0, len(cps), size=n)] if len(cps) > 1 else np.full(n, cps[0], np.uint32)
                    cols_cp.append(cp[:, None])
                    cols_ok.append(present[:, None])
                else:
                    sub_cp, sub_ok = _gen_alts(atom, n, rng)
                    cols_cp.append(sub_cp)
                    cols_ok.append(sub_ok & present[:, None])
    if not cols_cp:
        return np.zeros((n, 0), np.uint32), np.zeros((n, 0), bool)
    return np.hstack(cols_cp), np.hstack(cols_ok)


def pattern_values(pattern: str | list, n: int, rng: np.random.Generator) -> pa.Array:
    alts = compile_pattern(pattern) if isinstance(pattern, str) else pattern
    cp, ok = _gen_alts(alts, n, rng)
    if cp.shape[1] == 0:
        return pa.array([""] * n, type=pa.string()) if n < 2 else pa.repeat("", n) if hasattr(pa, "repeat") \
            else pc.cast(pa.nulls(n), pa.string()).fill_null("")
    order = np.argsort(~ok, axis=1, kind="stable")
    cp = np.take_along_axis(np.where(ok, cp, 0), order, axis=1).astype(np.uint32)
    u = np.ascontiguousarray(cp).view(f"<U{cp.shape[1]}").ravel()
    return pa.array(u, type=pa.string())


def like_to_pattern(like: str, dialect_classes: bool = True) -> str:
    """SQL LIKE (``%``, ``_``, T-SQL ``[a-z]``) -> a pattern for ``pattern_values``."""
    out = []
    i = 0
    while i < len(like):
        c = like[i]
        if c == "%":
            out.append("[a-z]{0,6}")
        elif c == "_":
            out.append("[a-z0-9]")
        elif c == "[" and dialect_classes and "]" in like[i + 1:]:
            j = like.index("]", i + 1)
            out.append(like[i:j + 1])
            i = j + 1
            continue
        else:
            out.append(re.escape(c) if c not in " " else c)
        i += 1
    return "".join(out)


# --------------------------------------------------------------------------- uuid / bytes

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def uuid_strings(hi: np.ndarray, lo: np.ndarray) -> pa.Array:
    """Two uint64 halves -> canonical version-4 UUID strings."""
    hi = np.asarray(hi, dtype=np.uint64)
    lo = np.asarray(lo, dtype=np.uint64)
    hi = (hi & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x0000000000004000)
    lo = (lo & np.uint64(0x3FFFFFFFFFFFFFFF)) | np.uint64(0x8000000000000000)
    b = np.empty((len(hi), 16), dtype=np.uint8)
    b[:, :8] = hi.astype(">u8").view(np.uint8).reshape(-1, 8)
    b[:, 8:] = lo.astype(">u8").view(np.uint8).reshape(-1, 8)
    hx = np.empty((len(hi), 32), dtype=np.uint8)
    hx[:, 0::2] = _HEX[b >> 4]
    hx[:, 1::2] = _HEX[b & 15]
    out = np.full((len(hi), 36), ord("-"), dtype=np.uint8)
    out[:, 0:8] = hx[:, 0:8]
    out[:, 9:13] = hx[:, 8:12]
    out[:, 14:18] = hx[:, 12:16]
    out[:, 19:23] = hx[:, 16:20]
    out[:, 24:36] = hx[:, 20:32]
    return bytes_matrix_to_strings(out)


def random_bytes(n: int, rng: np.random.Generator, min_len: int, max_len: int) -> pa.Array:
    lens = rng.integers(min_len, max_len + 1, size=n)
    offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int32)
    data = rng.integers(0, 256, size=int(offsets[-1]), dtype=np.uint8)
    return pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data.tobytes())])


# --------------------------------------------------------------------------- index coding (unique values)

class IndexCoder:
    """Injective ``index -> value`` for one column over ``[0, capacity)``.

    ``needed`` is how many distinct values the caller wants (sets string widths). Values
    respect the type and the rule (choices, bounds, ranges, lengths)."""

    def __init__(self, col: Column, rule: Any = None, needed: int = 1, salt: int = 0,
                 choices: Sequence[Any] | None = None, prefix_pool: pa.Array | None = None):
        self.col = col
        self.ct = col.type
        self.rule = rule
        self.salt = salt
        self.needed = max(1, int(needed))
        k = self.ct.kind
        ch = choices if choices is not None else _rule_get(rule, "choices")
        if ch is None and k == Kind.ENUM and self.ct.values:
            ch = list(self.ct.values)
        if ch is None and k == Kind.BOOL:
            ch = [False, True]
        excluded = _rule_get(rule, "excluded")
        if ch is not None and excluded:
            ch = [c for c in ch if c not in excluded]
        self.choices = list(ch) if ch is not None else None
        self.prefix_pool = prefix_pool
        self.step = 1
        if self.choices is not None:
            self.capacity = len(self.choices)
            return
        if k in ORDERED_KINDS:
            self.domain = Domain(col, rule)
            if k == Kind.INT and (col.identity or ct_unsigned(self.ct)) and not self.domain.bounded_lo:
                # MySQL treats 0 in an AUTO_INCREMENT column as "next value": keys start at 1
                self.domain.lo = max(self.domain.lo, 1)
            cap = self.domain.capacity()
            if k == Kind.DECIMAL:
                s = self.domain.scale
                if cap // (10 ** s) >= self.needed:
                    self.step = 10 ** s  # whole numbers read better
            elif k in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
                for st in (60 * US_PER_S, US_PER_S, 1):
                    if cap // st >= self.needed:
                        self.step = st
                        break
            elif k == Kind.TIME:
                for st in (US_PER_S, 1):
                    if cap // st >= self.needed:
                        self.step = st
                        break
            self.capacity = cap // self.step if self.domain.integral else (1 << 53)
            if self.domain.ranges and self.step != 1:
                self.step = 1
                self.capacity = cap
            self.base = self.domain.first(min(self.needed, self.capacity), self.step)
            if self.domain.integral and not self.domain.ranges:
                self.capacity = int(max(0, (self.domain.hi - self.base) // self.step + 1))
            return
        if k == Kind.SET:
            m = min(len(self.ct.values), 20)
            self.capacity = (1 << m) if m else 1
            return
        if k == Kind.UUID:
            self.capacity = 1 << 62
            return
        if k == Kind.INTERVAL:
            self.capacity = 1 << 40
            return
        if k == Kind.BYTES:
            L = self.ct.length or 16
            self.capacity = 256 ** min(L, 7)
            return
        if k == Kind.ARRAY:
            self.capacity = 1 << 40
            return
        # strings and string-like kinds
        L = self.ct.length
        mx = _rule_get(rule, "max_length")
        if mx is not None:
            L = mx if L is None else min(L, mx)
        self.max_len = L
        self.min_len = _rule_get(rule, "min_length") or 0
        w10 = len(str(self.needed))
        if L is None or L >= w10:
            self.radix, self.width = 10, w10
            if L is not None:
                self.width = max(self.width, min(self.min_len, L))
            self.width = min(self.width, 18)
            self.capacity = 10 ** self.width - 1
        else:
            self.radix = 36
            w36 = 1
            while 36 ** w36 < self.needed and w36 < L:
                w36 += 1
            self.width = max(w36, min(self.min_len, L))
            self.capacity = 36 ** self.width
        if k == Kind.JSON:
            self.max_len = None
        self._email_parts = self._emails()

    def _emails(self) -> tuple[pa.Array, pa.Array] | None:
        """Realistic e-mail prefixes: the unique code goes before the '@' (pool-level work)."""
        pool = self.prefix_pool
        if pool is None or not len(pool):
            return None
        vals = [v for v in pool.cast(pa.string()).to_pylist() if v]
        if not vals or not all(v.count("@") == 1 for v in vals):
            return None
        locs, doms = [], []
        for v in vals:  # per pool entry (<= 500), never per row
            loc, dom = v.split("@")
            room = (self.max_len - self.width - 2 - len(dom)) if self.max_len is not None else 30
            if room < 1:
                return None
            locs.append(loc[:room].rstrip(".") or "x")
            doms.append(dom)
        self.prefix_pool = pa.array(vals)
        return pa.array(locs), pa.array(doms)

    def spread(self, size: int) -> None:
        """Use ``size`` values spread over the plausible window (dates, numbers) instead of
        consecutive ones."""
        if self.choices is not None or self.ct.kind not in ORDERED_KINDS or not self.domain.integral \
                or self.domain.ranges or size <= 1:
            return
        d = self.domain
        width = int(d.dhi - d.dlo)
        st = (width // size) // self.step * self.step
        if st > self.step and (d.hi - max(d.lo, d.dlo)) // st >= size:
            self.step = st
            self.capacity = size
            self.base = d.first(size, self.step)

    def encode(self, idx: np.ndarray) -> pa.Array:
        idx = np.asarray(idx, dtype=np.int64)
        k = self.ct.kind
        t = arrow_type(self.ct)
        if self.choices is not None:
            vals = pa.array(self.choices)
            out = vals.take(pa.array(idx))
            return out.cast(t) if out.type != t else out
        if k in ORDERED_KINDS:
            return units_to_arrow(self.domain.nth(idx, self.step, self.base), self.ct)
        if k == Kind.SET:
            vals = list(self.ct.values)[:20]
            return set_strings(idx, vals)
        if k == Kind.UUID:
            return uuid_strings(mix64(idx, self.salt), mix64(idx, self.salt + 1) ^ (idx.astype(np.uint64) << np.uint64(1)))
        if k == Kind.INTERVAL:
            secs = idx * 60
            return interval_array(np.zeros_like(idx), secs // 86400, (secs % 86400) * 1_000_000_000)
        if k == Kind.BYTES:
            L = min(self.ct.length or 8, 8)
            m = idx.astype(">u8").view(np.uint8).reshape(-1, 8)[:, 8 - L:]
            offsets = np.arange(0, (len(idx) + 1) * L, L, dtype=np.int32)
            return pa.Array.from_buffers(pa.binary(), len(idx), [None, pa.py_buffer(offsets.tobytes()),
                                                                 pa.py_buffer(np.ascontiguousarray(m).tobytes())])
        if k == Kind.ARRAY:
            return pa.ListArray.from_arrays(pa.array(np.arange(len(idx) + 1, dtype=np.int32)),
                                            pa.array(idx + 1).cast(t.value_type, safe=False))
        code = zpad(idx + 1, self.width) if self.radix == 10 else base36(idx, self.width)
        if k == Kind.JSON:
            return concat_strings('{"id": "', code, '"}')
        if k == Kind.GEOMETRY:
            x = int_strings(idx % 360 - 180)
            y = int_strings(idx // 360 % 180 - 90)
            return concat_strings("POINT(", x, " ", y, ")")
        if self.prefix_pool is not None and len(self.prefix_pool):
            pick = pa.array((mix64(idx, self.salt) % np.uint64(len(self.prefix_pool))).astype(np.int64))
            if self._email_parts is not None:
                local, domain = self._email_parts
                return concat_strings(local.take(pick), ".", code, "@", domain.take(pick))
            room = (self.max_len - self.width) if self.max_len is not None else 24
            if room >= 3:
                pre = self.prefix_pool.take(pick)
                pre = fit_string_lengths(pre.cast(pa.string()), room - 1)
                return concat_strings(pre, "-", code) if room - 1 >= 2 else concat_strings(pre, code)
        return code


def ct_unsigned(ct: ColumnType) -> bool:
    return bool(ct.unsigned)


def set_strings(masks: np.ndarray, members: Sequence[str]) -> pa.Array:
    """Bitmasks -> comma-joined MySQL SET strings, vectorised."""
    masks = np.asarray(masks, dtype=np.int64)
    m = len(members)
    if m == 0:
        return pa.array(np.full(len(masks), ""), type=pa.string())
    bits = ((masks[:, None] >> np.arange(m)) & 1).astype(bool)
    counts = bits.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    member_idx = np.nonzero(bits)[1]
    lists = pa.ListArray.from_arrays(pa.array(offsets), pa.array(list(members)).take(pa.array(member_idx)))
    return pc.binary_join(lists, ",")


def interval_array(months: np.ndarray, days: np.ndarray, nanos: np.ndarray) -> pa.Array:
    n = len(months)
    buf = np.empty(n, dtype=[("m", "<i4"), ("d", "<i4"), ("ns", "<i8")])
    buf["m"] = months
    buf["d"] = days
    buf["ns"] = nanos
    return pa.Array.from_buffers(pa.month_day_nano_interval(), n, [None, pa.py_buffer(buf.tobytes())])


# --------------------------------------------------------------------------- random values by kind

_POOL_CACHE: dict[tuple, pa.Array] = {}


def text_pool(max_len: int | None, temperature: float, seed: int) -> pa.Array:
    """A cached pool of lorem-like sentences fitted to ``max_len`` characters."""
    t = round(min(max(temperature, 0.0), 2.0), 2)
    key = (max_len, t, seed & 0xFFFF)
    pool = _POOL_CACHE.get(key)
    if pool is None:
        size = int(min(100_000, 1000 * 10 ** t))
        rng = np.random.default_rng([seed & 0xFFFFFFFF, max_len or 0, 99])
        L = max_len or 60
        maxw = max(1, min(12, L // 5))
        minw = max(1, min(maxw, (L // 8) or 1))
        pool = word_pool(rng, size, minw, maxw)
        pool = fit_string_lengths(pool, max_len)
        # capitalise the first letter like a sentence
        pool = pc.utf8_capitalize(pool)
        if len(_POOL_CACHE) > 256:
            _POOL_CACHE.clear()
        _POOL_CACHE[key] = pool
    return pool


def take_pool(pool: pa.Array, n: int, rng: np.random.Generator) -> pa.Array:
    return pool.take(pa.array(rng.integers(0, len(pool), size=n)))


def random_values(col: Column, n: int, rng: np.random.Generator, rule: Any = None, *,
                  temperature: float = 1.0, seed: int = 0, dist: str | None = None,
                  params: dict | None = None, domain: Domain | None = None) -> pa.Array:
    """Plausible values for the column's type, fitted to the rule (no NULLs)."""
    ct = col.type
    k = ct.kind
    t = arrow_type(ct)
    choices = _rule_get(rule, "choices")
    if choices is None and k == Kind.ENUM and ct.values:
        choices = list(ct.values)
    if choices is not None:
        excluded = _rule_get(rule, "excluded")
        if excluded:
            choices = [c for c in choices if c not in excluded] or choices
        if not choices:
            raise ValueError("no allowed value")
        return choices_values(choices, n, rng, t, temperature)
    like = _rule_get(rule, "like")
    if like and k in STRINGY_KINDS:
        pats = [compile_pattern(like_to_pattern(p)) for p in like]
        which = rng.integers(0, len(pats), size=n)
        arrs = [pattern_values(p, n, rng) for p in pats]
        out = arrs[0]
        for i in range(1, len(arrs)):
            out = pc.if_else(pa.array(which == i), arrs[i], out)
        return fit_string_lengths(out, ct.length)
    if k in ORDERED_KINDS:
        d = domain or Domain(col, rule, temperature)
        u = d.sample(n, rng, dist, params, temperature)
        excluded = _rule_get(rule, "excluded")
        if excluded:
            ex = python_to_units(col, excluded)
            for _ in range(8):
                bad = np.nonzero(np.isin(u, ex))[0]
                if not len(bad):
                    break
                u[bad] = d.sample(len(bad), rng, None, None, temperature)
        return units_to_arrow(u, ct)
    if k == Kind.BOOL:
        return pa.array(rng.random(n) < 0.5, type=pa.bool_())
    if k == Kind.UUID:
        return uuid_strings(rng.integers(0, 1 << 63, size=n, dtype=np.int64).astype(np.uint64) * np.uint64(2)
                            + rng.integers(0, 2, size=n).astype(np.uint64),
                            rng.integers(0, 1 << 63, size=n, dtype=np.int64).astype(np.uint64))
    if k == Kind.INTERVAL:
        days = rng.integers(0, int(30 * 10 ** temperature) + 1, size=n)
        secs = rng.integers(0, 86400, size=n)
        return interval_array(np.zeros(n, np.int32), days, secs * 1_000_000_000)
    if k == Kind.BYTES:
        L = ct.length or 16
        return random_bytes(n, rng, min(4, L), min(L, 16))
    if k == Kind.SET:
        vals = list(ct.values)[:20]
        m = len(vals)
        masks = rng.integers(0, 1 << m, size=n) if m else np.zeros(n, np.int64)
        return set_strings(masks, vals)
    if k == Kind.ARRAY:
        el = Column(name=col.name, type=ct.element or ColumnType(Kind.STRING, length=20))
        lens = rng.integers(0, 4, size=n)
        offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int32)
        inner = random_values(el, int(offsets[-1]), rng, None, temperature=temperature, seed=seed)
        return pa.ListArray.from_arrays(pa.array(offsets), inner)
    if k == Kind.JSON:
        ids = int_strings(rng.integers(1, 10000, size=n))
        tag = take_pool(pa.array(WORDS), n, rng)
        flag = pc.if_else(pa.array(rng.random(n) < 0.5), "true", "false")
        return concat_strings('{"id": ', ids, ', "tag": "', tag, '", "active": ', flag, "}")
    if k == Kind.GEOMETRY:
        lon = pc.round(pa.array(rng.uniform(-180, 180, n)), 5).cast(pa.string())
        lat = pc.round(pa.array(rng.uniform(-85, 85, n)), 5).cast(pa.string())
        return concat_strings("POINT(", lon, " ", lat, ")")
    if k == Kind.OTHER:
        return other_values(col, n, rng, temperature, seed)
    # STRING
    L = ct.length
    mx = _rule_get(rule, "max_length")
    if mx is not None:
        L = mx if L is None else min(L, mx)
    mn = _rule_get(rule, "min_length") or 0
    if L is not None and L <= 3:
        out = pattern_values([[("ABCDEFGHIJKLMNOPQRSTUVWXYZ", max(1, min(mn, L)), L)]], n, rng)
    else:
        out = take_pool(text_pool(L, temperature, seed), n, rng)
    return fit_string_lengths(out, L, mn)


def choices_values(choices: Sequence[Any], n: int, rng: np.random.Generator, t: pa.DataType,
                   temperature: float = 1.0, weights: Sequence[float] | None = None) -> pa.Array:
    vals = pa.array(list(choices))
    if weights is not None:
        p = np.asarray(weights, dtype=np.float64)
        p = p / p.sum()
        idx = rng.choice(len(vals), size=n, p=p)
    else:
        idx = rng.integers(0, len(vals), size=n)
    out = vals.take(pa.array(idx))
    if out.type != t:
        out = out.cast(t)
    return out


def other_values(col: Column, n: int, rng: np.random.Generator, temperature: float, seed: int) -> pa.Array:
    raw = (col.type.raw or col.type.sql or "").lower()
    words = take_pool(pa.array(WORDS), n, rng)
    if "xml" in raw:
        return concat_strings("<item>", words, "</item>")
    if "hierarchyid" in raw:
        return concat_strings("/", int_strings(rng.integers(1, 20, n)), "/", int_strings(rng.integers(1, 20, n)), "/")
    if "tsvector" in raw:
        w2 = take_pool(pa.array(WORDS), n, rng)
        return concat_strings("'", words, "':1 '", w2, "':2")
    if "vector" in raw:
        dim = col.type.dimension or 3
        x = np.round(rng.uniform(-1, 1, size=(n, dim)), 4)
        lists = pa.ListArray.from_arrays(pa.array(np.arange(0, (n + 1) * dim, dim, dtype=np.int32)),
                                         pa.array(x.ravel()).cast(pa.string()))
        return concat_strings("[", pc.binary_join(lists, ","), "]")
    if "inet" in raw or "cidr" in raw:
        parts = [int_strings(rng.integers(1, 255, n)) for _ in range(4)]
        return concat_strings(parts[0], ".", parts[1], ".", parts[2], ".", parts[3])
    if "macaddr" in raw:
        b = rng.integers(0, 256, size=(n, 6), dtype=np.uint8)
        hx = np.empty((n, 17), dtype=np.uint8)
        hx[:] = ord(":")
        for i in range(6):
            hx[:, 3 * i] = _HEX[b[:, i] >> 4]
            hx[:, 3 * i + 1] = _HEX[b[:, i] & 15]
        return bytes_matrix_to_strings(hx)
    if "money" in raw:
        return pc.round(pa.array(rng.uniform(0, 1000, n)), 2).cast(pa.string())
    out = take_pool(text_pool(col.type.length, temperature, seed), n, rng)
    return fit_string_lengths(out, col.type.length)


# --------------------------------------------------------------------------- fitting

def cast_to(arr: pa.Array, col: Column) -> pa.Array:
    """Cast an array produced elsewhere (semantic values, spec values, SQL) to the column's type."""
    t = arrow_type(col.type)
    if arr.type == t:
        return arr
    k = col.type.kind
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    try:
        if k == Kind.DECIMAL and not pa.types.is_decimal(arr.type):
            _, s = decimal_ps(col.type)
            if pa.types.is_floating(arr.type) or pa.types.is_integer(arr.type):
                x = arr.to_numpy(zero_copy_only=False).astype(np.float64) if arr.null_count == 0 else \
                    pc.fill_null(arr.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
                p = decimal_ps(col.type)[0]
                u = np.rint(x * 10.0 ** s)
                lim = 10.0 ** p - 1
                if np.isfinite(u).all() and np.abs(u).max(initial=0) <= min(lim, 2.0 ** 53):
                    mask = arr.is_null().to_numpy(zero_copy_only=False) if arr.null_count else None
                    return units_to_arrow(u.astype(np.int64), col.type, mask=mask)
            if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
                arr = arr.cast(pa.float64())
            if pa.types.is_floating(arr.type):
                arr = pc.round(arr, s)
            return arr.cast(pa.decimal128(38, s), safe=False).cast(t, safe=False)
        if k in (Kind.STRING, Kind.JSON, Kind.OTHER, Kind.GEOMETRY, Kind.UUID, Kind.ENUM, Kind.SET):
            return arr.cast(pa.string())
        if k == Kind.INT and pa.types.is_floating(arr.type):
            arr = pc.round(arr)
        if k in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ) and pa.types.is_timestamp(arr.type):
            if arr.type.tz is None and t.tz is not None:
                arr = pc.assume_timezone(arr, "UTC") if arr.type.unit else arr
            elif arr.type.tz is not None and t.tz is None:
                arr = pc.local_timestamp(arr) if False else arr.cast(pa.timestamp(arr.type.unit))
        return arr.cast(t, safe=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return arr.cast(pa.string()).cast(t, safe=False)


def fit_values(arr: pa.Array, col: Column, rule: Any, rng: np.random.Generator, *,
               temperature: float = 1.0, seed: int = 0, domain: Domain | None = None) -> pa.Array:
    """Make an array satisfy the column's type and rule: values out of bounds are redrawn
    inside them, choices win, strings fitted to length, LIKE patterns imposed."""
    ct = col.type
    k = ct.kind
    n = len(arr)
    arr = cast_to(arr, col)
    if n == 0:
        return arr
    choices = _rule_get(rule, "choices")
    if choices is None and k == Kind.ENUM and ct.values:
        choices = list(ct.values)
    if choices is not None:
        if not choices:
            return arr
        ok = pc.fill_null(pc.is_in(arr, value_set=pa.array(list(choices)).cast(arr.type)), True)
        excluded = _rule_get(rule, "excluded")
        if excluded:
            ok = pc.and_(ok, pc.invert(pc.fill_null(pc.is_in(arr, value_set=pa.array(list(excluded)).cast(arr.type)), False)))
        if not pc.all(ok).as_py():
            repl = random_values(col, n, rng, rule, temperature=temperature, seed=seed)
            arr = pc.if_else(ok, arr, repl)
        return arr
    if k in ORDERED_KINDS:
        if rule is None and domain is None and (k != Kind.INT or ct.bits in (8, 16, 32, 64, None)):
            return arr  # the Arrow type already bounds the values
        d = domain or Domain(col, rule, temperature)
        u, nulls = arrow_to_units(arr, ct)
        bad = ~d.contains(u) & ~nulls
        excluded = _rule_get(rule, "excluded")
        if excluded:
            ex = python_to_units(col, excluded)
            bad |= np.isin(u, ex) & ~nulls
        if bad.any():
            idx = np.nonzero(bad)[0]
            u = u.copy()
            u[idx] = d.sample(len(idx), rng, None, None, temperature)
            if excluded:
                for _ in range(5):
                    still = np.isin(u[idx], ex)
                    if not still.any():
                        break
                    u[idx[still]] = d.sample(int(still.sum()), rng, None, None, temperature)
            return units_to_arrow(u, ct, mask=nulls if nulls.any() else None)
        return arr
    if k in (Kind.STRING, Kind.OTHER, Kind.JSON, Kind.GEOMETRY):
        like = _rule_get(rule, "like")
        if like:
            ok = np.zeros(n, dtype=bool)
            for p in like:
                ok |= pc.fill_null(pc.match_like(arr, _like_for_arrow(p)), True).to_numpy(zero_copy_only=False)
            if not ok.all():
                repl = random_values(col, n, rng, rule, temperature=temperature, seed=seed)
                arr = pc.if_else(pa.array(ok), arr, repl)
        L = ct.length
        mx = _rule_get(rule, "max_length")
        if mx is not None:
            L = mx if L is None else min(L, mx)
        if k == Kind.STRING:
            arr = fit_string_lengths(arr, L, _rule_get(rule, "min_length"))
        elif L is not None:
            arr = fit_string_lengths(arr, L)
        excluded = _rule_get(rule, "excluded")
        if excluded:
            bad = pc.fill_null(pc.is_in(arr, value_set=pa.array([str(e) for e in excluded])), False)
            if pc.any(bad).as_py():
                arr = pc.if_else(bad, random_values(col, n, rng, None, temperature=temperature, seed=seed), arr)
        return arr
    return arr


def _like_for_arrow(p: str) -> str:
    # arrow's match_like has no [..] classes: approximate them by '_'
    return re.sub(r"\[[^\]]*\]", "_", p)


def apply_nulls(arr: pa.Array, ratio: float, rng: np.random.Generator) -> pa.Array:
    if ratio <= 0 or len(arr) == 0:
        return arr
    mask = rng.random(len(arr)) < ratio
    if not mask.any():
        return arr
    return pc.if_else(pa.array(mask), pa.nulls(len(arr), arr.type), arr)


def fill_nulls(arr: pa.Array, col: Column, rule: Any, rng: np.random.Generator, temperature: float,
               seed: int) -> pa.Array:
    if arr.null_count == 0:
        return arr
    repl = random_values(col, len(arr), rng, rule, temperature=temperature, seed=seed)
    return pc.if_else(arr.is_null(), repl, arr)
