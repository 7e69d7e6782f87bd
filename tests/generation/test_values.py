import datetime as dt
import json
import re
import uuid
from decimal import Decimal
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from synthtalk_jupyter.generation.values import (IndexCoder, Domain, arrow_type, compile_pattern, fit_values,
                                               like_to_pattern, pattern_values, random_values, PatternError)
from synthtalk_jupyter.schema.model import Column, ColumnType, Kind


def col(kind, **kw):
    nullable = kw.pop("nullable", False)
    return Column("c", ColumnType(kind, **kw), nullable=nullable)


def gen(c, n=2000, rule=None, seed=0, temperature=1.0):
    a = random_values(c, n, np.random.default_rng(seed), rule, temperature=temperature)
    assert len(a) == n and a.null_count == 0
    assert a.type == arrow_type(c.type)
    return a


def rule(**kw):
    base = dict(low=None, high=None, low_inclusive=True, high_inclusive=True, ranges=None, choices=None,
                excluded=None, min_length=None, max_length=None, like=None, null_ok=False, not_null=False,
                not_like=None)
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.mark.parametrize("bits,unsigned", [(8, False), (8, True), (16, True), (24, False), (24, True), (32, False),
                                           (64, True)])
def test_int_ranges(bits, unsigned):
    c = col(Kind.INT, bits=bits, unsigned=unsigned)
    lo, hi = c.type.int_range()
    v = gen(c).to_numpy().astype(object)
    assert v.min() >= lo and v.max() <= hi


def test_int_within_check_bounds_and_excluded():
    c = col(Kind.INT, bits=32)
    v = gen(c, rule=rule(low=10, high=20, excluded=[15])).to_numpy()
    assert v.min() >= 10 and v.max() <= 20 and 15 not in set(v)


def test_decimal_fits_precision_and_scale():
    c = col(Kind.DECIMAL, precision=5, scale=2)
    a = gen(c)
    assert a.type == pa.decimal128(5, 2)
    vals = a.to_pylist()
    assert all(abs(x) < Decimal("1000") and x == x.quantize(Decimal("0.01")) for x in vals)
    tiny = gen(col(Kind.DECIMAL, precision=3, scale=3)).to_pylist()
    assert all(Decimal(0) <= x < 1 for x in tiny)


def test_decimal_strict_bounds():
    c = col(Kind.DECIMAL, precision=8, scale=2)
    v = gen(c, rule=rule(low=Decimal("0.00"), low_inclusive=False, high=Decimal("5"))).to_pylist()
    assert min(v) >= Decimal("0.01") and max(v) <= 5


def test_float_bool_date_time_timestamps():
    f = gen(col(Kind.FLOAT, bits=32))
    assert f.type == pa.float32()
    b = gen(col(Kind.BOOL))
    assert set(b.to_pylist()) == {True, False}
    d = gen(col(Kind.DATE), rule=rule(low=dt.date(2020, 1, 1), high=dt.date(2020, 12, 31))).to_pylist()
    assert min(d) >= dt.date(2020, 1, 1) and max(d) <= dt.date(2020, 12, 31)
    t = gen(col(Kind.TIME)).to_pylist()
    assert all(isinstance(x, dt.time) for x in t)
    ts = gen(col(Kind.TIMESTAMP))
    assert ts.type == pa.timestamp("us") and ts.type.tz is None
    tz = gen(col(Kind.TIMESTAMPTZ))
    assert tz.type.tz == "UTC"
    iv = gen(col(Kind.INTERVAL))
    assert iv.type == pa.month_day_nano_interval()


def test_strings_fit_length():
    for n in (1, 2, 5, 40, 200):
        a = gen(col(Kind.STRING, length=n))
        assert pc.max(pc.utf8_length(a)).as_py() <= n and pc.min(pc.utf8_length(a)).as_py() >= 1
    fixed = gen(col(Kind.STRING, length=10, fixed=True))
    assert pc.max(pc.utf8_length(fixed)).as_py() <= 10
    r = gen(col(Kind.STRING, length=30), rule=rule(min_length=12, max_length=20))
    lens = pc.utf8_length(r).to_numpy()
    assert lens.min() >= 12 and lens.max() <= 20


def test_uuid_json_bytes_enum_set_array_geometry_other():
    u = gen(col(Kind.UUID)).to_pylist()
    assert all(uuid.UUID(x).version == 4 for x in u[:50]) and len(set(u)) == len(u)
    assert gen(col(Kind.UUID), seed=5).to_pylist() == gen(col(Kind.UUID), seed=5).to_pylist()
    js = gen(col(Kind.JSON)).to_pylist()
    assert all(isinstance(json.loads(x), dict) for x in js[:100])
    by = gen(col(Kind.BYTES, length=6))
    assert by.type == pa.binary() and max(len(x) for x in by.to_pylist()) <= 6
    en = gen(col(Kind.ENUM, values=("G", "PG", "R")))
    assert set(en.to_pylist()) == {"G", "PG", "R"}
    st = gen(col(Kind.SET, values=("a", "b", "c"))).to_pylist()
    assert all(x == "" or set(x.split(",")) <= {"a", "b", "c"} for x in st)
    assert any("," in x for x in st)
    ar = gen(col(Kind.ARRAY, element=ColumnType(Kind.STRING, length=8)))
    assert pa.types.is_list(ar.type) and ar.type.value_type == pa.string()
    geo = gen(col(Kind.GEOMETRY)).to_pylist()
    assert all(re.fullmatch(r"POINT\(-?[\d.]+ -?[\d.]+\)", x) for x in geo[:100])
    xml = gen(col(Kind.OTHER, raw="xml")).to_pylist()
    assert xml[0].startswith("<")
    h = gen(col(Kind.OTHER, raw="hierarchyid")).to_pylist()
    assert all(re.fullmatch(r"/\d+/\d+/", x) for x in h[:50])
    vec = gen(col(Kind.OTHER, raw="vector(3)", dimension=3)).to_pylist()
    assert len(json.loads(vec[0])) == 3


def test_choices_win_and_like_patterns():
    c = col(Kind.STRING, length=10)
    v = gen(c, rule=rule(choices=["Fall", "Spring"])).to_pylist()
    assert set(v) == {"Fall", "Spring"}
    like = gen(col(Kind.STRING, length=30), rule=rule(like=["%@%"])).to_pylist()
    assert all("@" in x for x in like)
    tsql = gen(col(Kind.STRING, length=5), rule=rule(like=["[0-9][0-9]-[A-Z]"])).to_pylist()
    assert all(re.fullmatch(r"\d\d-[A-Z]", x) for x in tsql)


def test_fit_values_redraws_out_of_bounds():
    c = col(Kind.INT, bits=16)
    arr = pa.array([1, 500, 100000 % 30000, -5, 99], type=pa.int64())
    out = fit_values(arr, c, rule(low=0, high=100), np.random.default_rng(0)).to_pylist()
    assert out[0] == 1 and out[4] == 99 and all(0 <= x <= 100 for x in out)
    s = fit_values(pa.array(["x" * 50, "ok"]), col(Kind.STRING, length=5), None, np.random.default_rng(0))
    assert s.to_pylist() == ["xxxxx", "ok"]
    ch = fit_values(pa.array(["A", "Z"]), col(Kind.STRING, length=3), rule(choices=["A", "B"]),
                    np.random.default_rng(0)).to_pylist()
    assert ch[0] == "A" and ch[1] in ("A", "B")


def test_ranges_spread_across_all():
    c = col(Kind.DATE)
    r = rule(ranges=[(dt.date(2022, 1, 1), dt.date(2022, 2, 1)), (dt.date(2022, 5, 1), dt.date(2022, 6, 1))],
             low=dt.date(2022, 1, 1), high=dt.date(2022, 6, 1), high_inclusive=False)
    v = gen(c, rule=r).to_pylist()
    jan = sum(1 for x in v if x.month == 1)
    may = sum(1 for x in v if x.month == 5)
    assert jan + may == len(v) and jan > 100 and may > 100


@pytest.mark.parametrize("pattern,regex", [
    (r"[A-Z]{3}-\d{4}", r"[A-Z]{3}-\d{4}"),
    (r"(INV|ORD)_\d{2,5}", r"(INV|ORD)_\d{2,5}"),
    (r"[a-f0-9]{8}", r"[a-f0-9]{8}"),
    (r"x?y+z*", r"x?y+z*"),
    (r"\w{1,3}\.[^a-z]{2}", r"\w{1,3}\.[^a-z]{2}"),
])
def test_pattern_values(pattern, regex):
    v = pattern_values(pattern, 500, np.random.default_rng(0)).to_pylist()
    assert all(re.fullmatch(regex, x) for x in v), [x for x in v if not re.fullmatch(regex, x)][:3]
    assert len(set(v)) > 20


def test_bad_patterns():
    for p in ("[A-Z", "(ab", "a{3,1}", "ab)"):
        with pytest.raises(PatternError):
            compile_pattern(p)
    assert like_to_pattern("A_%") == "A[a-z0-9][a-z]{0,6}"


@pytest.mark.parametrize("c,needed", [
    (col(Kind.INT, bits=32), 5000), (col(Kind.INT, bits=8, unsigned=True), 255), (col(Kind.STRING, length=3), 5000),
    (col(Kind.STRING, length=20), 5000), (col(Kind.DATE), 5000), (col(Kind.TIMESTAMP), 5000),
    (col(Kind.DECIMAL, precision=4, scale=2), 5000), (col(Kind.UUID), 5000), (col(Kind.BYTES, length=4), 5000),
    (col(Kind.TIME), 5000), (col(Kind.SET, values=tuple("abcdefghijkl")), 4096), (col(Kind.INTERVAL), 1000),
])
def test_index_coder_is_injective_and_fits(c, needed):
    coder = IndexCoder(c, None, needed=needed)
    m = min(needed, coder.capacity)
    vals = coder.encode(np.arange(m))
    assert vals.type == arrow_type(c.type)
    assert len(set(vals.to_pylist())) == m
    if c.type.kind == Kind.STRING:
        assert pc.max(pc.utf8_length(vals)).as_py() <= c.type.length
        # case-insensitive collations: still distinct
        assert len(set(x.lower() for x in vals.to_pylist())) == m


def test_index_coder_capacity_small_types():
    assert IndexCoder(col(Kind.INT, bits=8, unsigned=True), None, needed=1000).capacity == 255
    assert IndexCoder(col(Kind.INT, bits=8), None, needed=1000).capacity == 256
    assert IndexCoder(col(Kind.BOOL), None).capacity == 2
    assert IndexCoder(col(Kind.STRING, length=1), None, needed=1000).capacity == 36
    assert IndexCoder(col(Kind.INT, bits=32), rule(low=1, high=12)).capacity == 12
    assert IndexCoder(col(Kind.STRING, length=10), rule(choices=["a", "b", "c"])).capacity == 3


def test_temperature_changes_diversity_not_validity():
    c = col(Kind.STRING, length=40)
    lo = gen(c, n=20000, temperature=0.0)
    hi = gen(c, n=20000, temperature=2.0)
    assert len(set(hi.to_pylist())) > 2 * len(set(lo.to_pylist()))
    d0 = Domain(col(Kind.INT, bits=8, unsigned=True), None, 0.0)
    d2 = Domain(col(Kind.INT, bits=8, unsigned=True), None, 2.0)
    assert d2.dhi - d2.dlo >= d0.dhi - d0.dlo and d2.dhi <= 255
