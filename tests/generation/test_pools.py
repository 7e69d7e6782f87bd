"""Pools: deterministic, prefix-stable, cached in memory and on disk, vectorised helpers."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest

from synthtalk_jupyter.generation.pools import (
    Pools,
    compile_template,
    fill_templates,
    matrix_to_strings,
    random_hex,
    random_uuid,
    strings_to_matrix,
    zipf_indices,
)


def test_get_returns_distinct_large_strings():
    p = Pools(seed=0, cache_dir=False)
    a = p.get("first_name", "en_US", 300)
    assert a.type == pa.large_string()
    assert len(a) == 300 and len(set(a.to_pylist())) == 300
    assert p.get("first_name", "en_US", 300) is a  # cached array


def test_deterministic_and_prefix_stable():
    p1 = Pools(seed=0, cache_dir=False)
    p2 = Pools(seed=0, cache_dir=False)
    big = p1.get("last_name", "de_DE", 400).to_pylist()
    small = p2.get("last_name", "de_DE", 100).to_pylist()
    assert small == big[:100]  # order of requests never changes values
    assert p2.get("last_name", "de_DE", 400).to_pylist() == big
    other = Pools(seed=1, cache_dir=False).get("last_name", "de_DE", 100).to_pylist()
    assert other != small


def test_locale_fallback_and_unknown_locale():
    p = Pools(seed=0, cache_dir=False)
    # de_DE has no secondary_address provider: falls back to en_US formats
    assert len(p.get("tpl_address2", "de_DE", 5)) > 0
    # an unknown locale falls back to en_US; a language-only one to a matching locale
    assert p.get("city", "xx_YY", 20).to_pylist() == p.get("city", "en_US", 20).to_pylist()
    de = set(p.get("city", "de", 50).to_pylist())
    assert de & set(p.get("city", "de_DE", 2000).to_pylist()) or de & set(p.get("city", "de_AT", 2000).to_pylist())


def test_exhausted_stream_stops():
    p = Pools(seed=0, cache_dir=False)
    states = p.get("state", "en_US", 10_000)
    assert 40 <= len(states) <= 60  # US states (and DC), not 10,000 retries


def test_disk_cache_roundtrip(tmp_path):
    p = Pools(seed=0, cache_dir=tmp_path)
    vals = p.get("city", "fr_FR", 50).to_pylist()
    files = list(tmp_path.rglob("city-s0.json"))
    assert len(files) == 1 and "fr_FR" in str(files[0])
    assert json.loads(files[0].read_text(encoding="utf-8"))["values"][:50] == vals
    # a new Pools reads the file instead of running Faker
    q = Pools(seed=0, cache_dir=tmp_path)
    assert q.get("city", "fr_FR", 50).to_pylist() == vals and q.builds == 0
    # a larger request than the file holds rebuilds and extends it
    assert q.get("city", "fr_FR", 80).to_pylist()[:50] == vals and q.builds == 1


def test_static_and_country_pools():
    p = Pools(seed=0, cache_dir=False)
    assert "Sales" in p.get("department", "en_US", 100).to_pylist()
    assert p.get("country", "de_DE", 3).to_pylist()[0] == "Germany"
    assert p.get("country", "ja_JP", 3).to_pylist()[0] == "Japan"
    assert p.get("country_iso2", "fr_FR", 1).to_pylist() == ["FR"]
    assert all(len(c) == 3 for c in p.get("country_iso3", "en_US", 60).to_pylist())


def test_templates_fill_digits_and_letters():
    mat, lens = strings_to_matrix([compile_template("AB-###-??"), compile_template("Straße #")])
    rng = np.random.default_rng(0)
    out = fill_templates(mat, lens, np.array([0, 1, 0, 1] * 250), rng).to_pylist()
    assert out[0][:3] == "AB-" and out[0][3:6].isdigit() and out[0][7:].isalpha() and out[0][7:].isupper()
    assert out[1].startswith("Straße ") and out[1][-1].isdigit()
    assert len(set(out[0::2])) > 400  # random per row


def test_phone_templates_keep_locale_format():
    p = Pools(seed=0, cache_dir=False)
    mat, lens = p.get_templates("tpl_phone", "de_DE", 100)
    out = fill_templates(mat, lens, np.arange(len(lens)), np.random.default_rng(1)).to_pylist()
    assert not any(ch in s for s in out for ch in "\x01\x02")
    assert sum(s.startswith(("+49", "0", "(0")) for s in out) > 0.9 * len(out)
    assert not any(s.startswith("+49(") and not s.startswith("+49(0)") for s in out)  # trunk zero kept


def test_matrix_roundtrip_utf8():
    vals = ["a", "", "Köln", "東京都", "x" * 40]
    mat, lens = strings_to_matrix(vals)
    assert matrix_to_strings(mat, lens).to_pylist() == vals


def test_hex_and_uuid():
    rng = np.random.default_rng(0)
    h = random_hex(100, 40, rng).to_pylist()
    assert all(len(s) == 40 and int(s, 16) >= 0 for s in h) and len(set(h)) == 100
    import uuid

    assert all(uuid.UUID(s).version == 4 for s in random_uuid(100, rng).to_pylist())


@pytest.mark.parametrize("s", [0.0, 0.5, 1.0, 2.0])
def test_zipf_indices(s):
    rng = np.random.default_rng(0)
    idx = zipf_indices(100, 50_000, s, rng)
    assert idx.min() >= 0 and idx.max() < 100
    counts = np.bincount(idx, minlength=100)
    if s == 0:
        assert counts.max() < 2 * counts.mean()
    else:
        assert counts[0] > counts[50] * (1.5 ** s)  # rank 1 more frequent than rank 51
    w = 1 / np.arange(1, 101) ** s
    assert abs(counts[0] / 50_000 - w[0] / w.sum()) < 0.02
