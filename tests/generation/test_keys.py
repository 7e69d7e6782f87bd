import numpy as np
import pyarrow as pa
import pytest

from synthtalk_jupyter.generation.keys import (FKDim, FreeDim, FKSampler, Structure, TablePlan, per_parent_counts,
                                             skew_exponent)
from synthtalk_jupyter.generation.values import IndexCoder, Perm
from synthtalk_jupyter.schema.model import Column, ColumnType, ForeignKey, Kind, Table


@pytest.mark.parametrize("m", [1, 2, 7, 255, 1000, 65_537, 1 << 20])
def test_perm_is_a_bijection(m):
    p = Perm(m, salt=12345)
    out = p(np.arange(m))
    assert out.min() >= 0 and out.max() < m
    assert len(np.unique(out)) == m


def test_perm_depends_on_salt_and_is_deterministic():
    a, b = Perm(1000, 1)(np.arange(1000)), Perm(1000, 2)(np.arange(1000))
    assert not np.array_equal(a, b)
    assert np.array_equal(a, Perm(1000, 1)(np.arange(1000)))


@pytest.mark.parametrize("n,P,cap", [(6000, 1500, 10**9), (1000, 10, 100), (999, 10, 100), (50, 100, 1)])
def test_per_parent_counts_sum_and_cap(n, P, cap):
    c = per_parent_counts(n, P, cap, np.random.default_rng(0), 1.0)
    assert c.sum() == n
    assert c.max() <= cap and c.min() >= 0


def test_temperature_widens_count_spread():
    lo = per_parent_counts(100_000, 10_000, 10**9, np.random.default_rng(0), 0.0)
    hi = per_parent_counts(100_000, 10_000, 10**9, np.random.default_rng(0), 2.0)
    assert hi.std() > lo.std() * 1.3
    assert skew_exponent(0) > skew_exponent(1) > skew_exponent(2) == 1.0


def _int_col(name, nullable=False):
    return Column(name, ColumnType(Kind.INT, bits=32), nullable=nullable)


def _plan(name, n):
    t = Table(name, columns=[_int_col("id")], primary_key=("id",))
    t.key = name
    p = TablePlan(table=t, n=n)
    from synthtalk_jupyter.generation.keys import CodeSource
    p.add(CodeSource(IndexCoder(t.columns[0], None, needed=n), permute=False, salt=1, constraint="PRIMARY KEY"))
    return p


def test_sequence_structure_lineitem_like():
    orders = _plan("orders", 100)
    fk = ForeignKey(("order_id",), "orders", ("id",))
    line = FreeDim(IndexCoder(_int_col("line_no"), None, needed=1000))
    st = Structure(("order_id", "line_no"), FKDim(fk, orders), [line], salt=3, constraint="PK", identity=True)
    st.bind(1000, np.random.default_rng(1), 1.0)
    a, b = st.compute(np.arange(1000), contiguous=True)
    o, ln = a.to_numpy(), b.to_numpy()
    assert len(set(zip(o, ln))) == 1000
    # within each order the line numbers are 1..k
    for oid in np.unique(o)[:20]:
        lines = np.sort(ln[o == oid])
        assert np.array_equal(lines, np.arange(1, len(lines) + 1))
    # random access agrees with the contiguous path
    rows = np.array([999, 0, 500, 17])
    a2, b2 = st.compute(rows)
    assert a2.to_pylist() == [int(o[r]) for r in rows] and b2.to_pylist() == [int(ln[r]) for r in rows]


def test_junction_structure_distinct_and_capped():
    a, b = _plan("a", 30), _plan("b", 7)
    fa, fb = ForeignKey(("a_id",), "a", ("id",)), ForeignKey(("b_id",), "b", ("id",))
    st = Structure(("a_id", "b_id"), FKDim(fa, a), [FKDim(fb, b)], salt=5, constraint="PK", identity=False)
    assert st.capacity == 30 * 7
    st.bind(200, np.random.default_rng(2), 1.0)
    x, y = st.compute(np.arange(200), contiguous=True)
    pairs = set(zip(x.to_pylist(), y.to_pylist()))
    assert len(pairs) == 200
    assert set(y.to_pylist()) <= set(range(1, 8)) and set(x.to_pylist()) <= set(range(1, 31))


def test_self_pairs_avoided_for_two_fks_to_same_parent():
    p = _plan("person", 10)
    f1, f2 = ForeignKey(("a",), "person", ("id",)), ForeignKey(("b",), "person", ("id",))
    st = Structure(("a", "b"), FKDim(f1, p), [FKDim(f2, p)], salt=5, constraint="PK", identity=False)
    assert st.capacity == 10 * 9
    st.bind(90, np.random.default_rng(2), 1.0)
    x, y = st.compute(np.arange(90), contiguous=True)
    assert all(i != j for i, j in zip(x.to_pylist(), y.to_pylist()))
    assert len(set(zip(x.to_pylist(), y.to_pylist()))) == 90


def test_fk_sampler_skew_and_range():
    parent = _plan("p", 1000)
    s = FKSampler(ForeignKey(("p_id",), "p", ("id",)), parent, salt=9, temperature=0.0)
    rows, _ = s.sample(np.arange(100_000), np.random.default_rng(0))
    assert rows.min() >= 0 and rows.max() < 1000
    counts = np.bincount(rows, minlength=1000)
    top = np.sort(counts)[::-1]
    assert top[:100].sum() > 0.3 * counts.sum()  # skewed: 10% of parents get > 30% of children
    flat = FKSampler(ForeignKey(("p_id",), "p", ("id",)), parent, salt=9, temperature=2.0)
    r2, _ = flat.sample(np.arange(100_000), np.random.default_rng(0))
    assert np.sort(np.bincount(r2, minlength=1000))[::-1][:100].sum() < top[:100].sum()


def test_self_reference_is_a_tree():
    parent = _plan("emp", 5000)
    s = FKSampler(ForeignKey(("boss",), "emp", ("id",)), parent, salt=9, temperature=1.0, self_ref=True, n_rows=5000)
    rows = np.arange(5000)
    prow, root = s.sample(rows, np.random.default_rng(0))
    assert root.sum() >= 1
    assert np.all(prow[~root] < rows[~root])  # parents come first: no cycle
    assert np.all(prow[root] == rows[root])
    # depth is bounded (level by level)
    depth = np.zeros(5000, dtype=int)
    for r in range(5000):  # test-side loop
        if not root[r]:
            depth[r] = depth[prow[r]] + 1
    assert depth.max() <= 10


def test_values_at_matches_compute_range():
    p = _plan("t", 50)
    v = p.values_at(("id",), np.array([3, 0, 49]))[0].to_pylist()
    assert v == [4, 1, 50]
    assert p.compute_range(10, 13)["id"].to_pylist() == [11, 12, 13]
    with pytest.raises(KeyError):
        p.values_at(("nope",), np.array([0]))
