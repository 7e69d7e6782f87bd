"""Semantic detection and generation: real corpus column names, consistency, locale, temperature."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from synthtalk_jupyter.generation.context import GenContext
from synthtalk_jupyter.generation.pools import Pools
from synthtalk_jupyter.generation.semantic import (
    REF_DAY,
    semantic_depends,
    semantic_kind,
    semantic_values,
)
from synthtalk_jupyter.schema.model import Column, ColumnType, Kind, Table

POOLS = Pools(seed=0, cache_dir=False)  # memory only: tests build their own pools


def T(kind: str, length: int | None = None, precision: int | None = None, scale: int | None = None,
      fixed: bool = False, bits: int | None = None) -> ColumnType:
    return ColumnType(Kind(kind), length=length, precision=precision, scale=scale, fixed=fixed, bits=bits)


def table(name: str, *cols: tuple[str, ColumnType]) -> Table:
    t = Table(name, columns=[Column(c, ty) for c, ty in cols])
    t.key = name
    return t


def ctx(seed: int = 1, locale: str = "en_US", temperature: float = 1.0, **kw) -> GenContext:
    return GenContext(rng=np.random.default_rng(seed), locale=locale, temperature=temperature,
                      pools=POOLS, seed=seed, **kw)


VC = lambda n=None: T("string", n)  # noqa: E731

# (table, column, type, expected kind) -- names and types as in /work/shared/ddl-corpus
CORPUS = [
    # chinook (CamelCase and snake_case variants)
    ("Customer", "FirstName", VC(40), "first_name"),
    ("Customer", "LastName", VC(20), "last_name"),
    ("Customer", "Company", VC(80), "company"),
    ("Customer", "Address", VC(70), "street_address"),
    ("Customer", "City", VC(40), "city"),
    ("Customer", "State", VC(40), "state"),
    ("Customer", "Country", VC(40), "country"),
    ("Customer", "PostalCode", VC(10), "postal_code"),
    ("Customer", "Phone", VC(24), "phone"),
    ("Customer", "Fax", VC(24), "phone"),
    ("Customer", "Email", VC(60), "email"),
    ("Customer", "SupportRepId", T("int"), None),
    ("Employee", "Title", VC(30), "job_title"),
    ("Employee", "BirthDate", T("timestamp"), "birth_date"),
    ("Employee", "HireDate", T("timestamp"), "hire_date"),
    ("Invoice", "InvoiceDate", T("timestamp"), "order_date"),
    ("Invoice", "BillingCity", VC(40), "city"),
    ("Invoice", "BillingPostalCode", VC(10), "postal_code"),
    ("Invoice", "Total", T("decimal", precision=10, scale=2), "amount"),
    ("InvoiceLine", "UnitPrice", T("decimal", precision=10, scale=2), "price"),
    ("InvoiceLine", "Quantity", T("int"), "quantity"),
    ("Album", "Title", VC(160), "title"),
    ("Genre", "Name", VC(120), "genre"),
    ("Track", "Composer", VC(220), "full_name"),
    ("Track", "Milliseconds", T("int"), "measure"),
    ("customer", "first_name", VC(40), "first_name"),
    ("customer", "support_rep_id", T("int"), None),
    # northwind
    ("customers", "company_name", VC(40), "company"),
    ("customers", "contact_name", VC(30), "full_name"),
    ("customers", "contact_title", VC(30), "job_title"),
    ("customers", "region", VC(15), "state"),
    ("employees", "title_of_courtesy", VC(25), "salutation"),
    ("employees", "home_phone", VC(24), "phone"),
    ("employees", "extension", VC(4), "phone_extension"),
    ("employees", "notes", T("string"), "text"),
    ("orders", "order_date", T("date"), "order_date"),
    ("orders", "required_date", T("date"), "due_date"),
    ("orders", "shipped_date", T("date"), "ship_date"),
    ("orders", "freight", T("float"), "amount"),
    ("orders", "ship_name", VC(40), "full_name"),
    ("orders", "ship_country", VC(15), "country"),
    ("products", "product_name", VC(40), "product_name"),
    ("products", "units_in_stock", T("int", bits=16), "quantity"),
    ("products", "discontinued", T("int"), "flag"),
    ("order_details", "discount", T("float"), "ratio"),
    ("categories", "category_name", VC(15), "category"),
    ("suppliers", "homepage", T("string"), "url"),
    ("us_states", "state_abbr", VC(2), "state_abbr"),
    ("shippers", "web_page", T("string"), "url"),
    ("shippers", "zip_postal_code", VC(15), "postal_code"),
    ("shippers", "job_title", VC(50), "job_title"),
    ("orders", "payment_type", VC(50), "payment_method"),
    # sakila / pagila
    ("actor", "last_update", T("timestamptz"), "updated_at"),
    ("address", "address2", VC(50), "address2"),
    ("address", "district", VC(20), "state"),
    ("film", "title", VC(128), "title"),
    ("film", "description", T("string"), "text"),
    ("film", "release_year", T("int"), "year"),
    ("film", "rental_rate", T("decimal", precision=4, scale=2), "price"),
    ("film", "replacement_cost", T("decimal", precision=5, scale=2), "price"),
    ("film", "length", T("int", bits=16), "measure"),
    ("rental", "rental_date", T("timestamp"), "order_date"),
    ("rental", "return_date", T("timestamp"), "return_date"),
    ("payment", "amount", T("decimal", precision=5, scale=2), "amount"),
    ("staff", "username", VC(16), "username"),
    ("staff", "password", VC(40), "hash"),
    ("customer", "active", T("bool"), "flag"),
    ("customer", "create_date", T("date"), "created_at"),
    ("language", "name", T("string", 20, fixed=True), "language"),
    ("category", "name", VC(25), "category"),
    ("city", "city", VC(50), "city"),
    ("country", "country", VC(50), "country"),
    # employees / hr / customer_orders
    ("employees", "emp_no", T("int"), None),
    ("employees", "gender", T("string", 1), "gender"),
    ("departments", "dept_name", VC(40), "department"),
    ("salaries", "salary", T("int"), "salary"),
    ("dept_emp", "from_date", T("date"), "start_date"),
    ("dept_emp", "to_date", T("date"), "end_date"),
    ("locations", "street_address", VC(40), "street_address"),
    ("locations", "state_province", VC(25), "state"),
    ("locations", "country_id", T("string", 2, fixed=True), "country_code"),
    ("employees", "phone_number", VC(20), "phone"),
    ("employees", "commission_pct", T("decimal", precision=2, scale=2), "ratio"),
    ("jobs", "job_title", VC(35), "job_title"),
    ("jobs", "min_salary", T("decimal", precision=6), "salary"),
    ("regions", "region_name", VC(25), "world_region"),
    ("customers", "email_address", VC(255), "email"),
    ("customers", "full_name", VC(255), "full_name"),
    ("stores", "web_address", VC(100), "url"),
    ("stores", "latitude", T("decimal", precision=9, scale=6), "latitude"),
    ("stores", "longitude", T("decimal", precision=9, scale=6), "longitude"),
    ("orders", "order_tms", T("timestamp"), "order_date"),
    ("orders", "order_status", VC(10), "status"),
    # TPC-H / TPC-DS prefixes
    ("CUSTOMER", "C_NAME", VC(25), "full_name"),
    ("CUSTOMER", "C_PHONE", T("string", 15, fixed=True), "phone"),
    ("CUSTOMER", "C_ACCTBAL", T("decimal", precision=15, scale=2), "amount"),
    ("CUSTOMER", "C_MKTSEGMENT", T("string", 10, fixed=True), "segment"),
    ("CUSTOMER", "C_COMMENT", VC(117), "text"),
    ("SUPPLIER", "S_NAME", T("string", 25, fixed=True), "company"),
    ("PART", "P_NAME", VC(55), "product_name"),
    ("PART", "P_RETAILPRICE", T("decimal", precision=15, scale=2), "price"),
    ("PARTSUPP", "PS_SUPPLYCOST", T("decimal", precision=15, scale=2), "price"),
    ("PARTSUPP", "PS_AVAILQTY", T("int"), "quantity"),
    ("NATION", "N_NAME", T("string", 25, fixed=True), "country"),
    ("LINEITEM", "L_SHIPDATE", T("date"), "ship_date"),
    ("LINEITEM", "L_RECEIPTDATE", T("date"), "delivery_date"),
    ("LINEITEM", "L_DISCOUNT", T("decimal", precision=15, scale=2), "ratio"),
    ("LINEITEM", "L_SHIPMODE", T("string", 10, fixed=True), "ship_mode"),
    ("ORDERS", "O_ORDERDATE", T("date"), "order_date"),
    ("ORDERS", "O_ORDERSTATUS", T("string", 1, fixed=True), "status"),
    ("ORDERS", "O_ORDERKEY", T("int"), None),
    ("customer_address", "ca_zip", T("string", 10, fixed=True), "postal_code"),
    ("customer_address", "ca_street_name", VC(60), "street_name"),
    ("customer_address", "ca_street_number", T("string", 10, fixed=True), "building_number"),
    ("customer_address", "ca_state", T("string", 2, fixed=True), "state_abbr"),
    ("customer_address", "ca_county", VC(30), "county"),
    ("customer_demographics", "cd_gender", T("string", 1, fixed=True), "gender"),
    ("customer", "c_email_address", T("string", 50, fixed=True), "email"),
    ("customer", "c_login", T("string", 13, fixed=True), "username"),
    ("customer", "c_birth_year", T("int"), "year"),
    ("customer", "c_birth_month", T("int"), "small_int"),
    ("customer", "c_customer_sk", T("int"), None),
    ("item", "i_current_price", T("decimal", precision=7, scale=2), "price"),
    ("item", "i_color", T("string", 20, fixed=True), "color"),
    ("item", "i_category", T("string", 50, fixed=True), "category"),
    ("store", "s_manager", VC(40), "full_name"),
    # AdventureWorks (CamelCase)
    ("Person", "MiddleName", VC(50), "middle_name"),
    ("Person", "ModifiedDate", T("timestamp"), "updated_at"),
    ("Person", "rowguid", VC(36), "uuid"),
    ("Password", "PasswordHash", VC(128), "hash"),
    ("EmailAddress", "EmailAddress", VC(50), "email"),
    ("Vendor", "PurchasingWebServiceURL", VC(1024), "url"),
    ("CurrencyRate", "FromCurrencyCode", T("string", 3, fixed=True), "currency_code"),
    ("SalesOrderHeader", "DueDate", T("timestamp"), "due_date"),
    ("ProductReview", "Rating", T("int"), "rating"),
    ("ProductReview", "Comments", VC(3850), "text"),
    ("CreditCard", "CardType", VC(50), "card_type"),
    ("CreditCard", "ExpYear", T("int", bits=16), "year"),
    ("Product", "Color", VC(15), "color"),
    ("Product", "ListPrice", T("decimal", precision=19, scale=4), "price"),
    # spider
    ("Staff", "staff_gender", VC(1), "gender"),
    ("Customers", "customer_name", VC(80), "full_name"),
    ("Customers", "customer_email", VC(80), "email"),
    ("Physician", "Name", VC(30), "full_name"),
    ("Procedures", "Cost", T("float"), "price"),
    ("takes", "grade", VC(2), "rating"),
    ("Currency", "Name", VC(50), "currency_name"),
    ("date_dim", "d_day_name", T("string", 9, fixed=True), "weekday"),
    ("promotion", "p_channel_email", T("string", 1, fixed=True), None),
    ("film", "rental_duration", T("int", bits=8), "quantity"),
    # type does not fit the meaning
    ("things", "name", T("int"), None),
    ("things", "email", T("int"), None),
    ("things", "created_at", T("int"), None),
    ("things", "price", T("string", 20), None),
]


@pytest.mark.parametrize("tname,cname,ctype,expected", CORPUS, ids=[f"{t}.{c}" for t, c, _, _ in CORPUS])
def test_detection_on_corpus_names(tname, cname, ctype, expected):
    t = table(tname, (cname, ctype))
    assert semantic_kind(t, t.columns[0]) == expected


def test_corpus_table_covers_enough_names():
    assert len({(t, c) for t, c, _, _ in CORPUS}) >= 40


def test_no_match_returns_none_values():
    t = table("things", ("name", T("int")), ("frobnicator", VC(10)))
    for c in t.columns:
        assert semantic_values(t, c, 10, ctx()) is None


def gen_table(t: Table, n: int, c: GenContext) -> dict[str, pa.Array]:
    """Generate every column in dependency order, like the engine does."""
    done: dict[str, pa.Array] = {}
    pending = list(t.columns)
    while pending:
        for col in list(pending):
            if all(d in done for d in semantic_depends(t, col)):
                c.columns = done
                v = semantic_values(t, col, n, c)
                if v is not None:
                    assert len(v) == n
                    done[col.name] = v
                pending.remove(col)
    return done


PEOPLE = table(
    "customer",
    ("customer_id", T("int")), ("first_name", VC(40)), ("last_name", VC(40)), ("email", VC(80)),
    ("username", VC(30)), ("birth_date", T("date")), ("hire_date", T("date")),
    ("created_at", T("timestamp")), ("updated_at", T("timestamp")),
    ("order_date", T("date")), ("ship_date", T("date")), ("city", VC(40)),
    ("gender", T("string", 1, fixed=True)), ("salary", T("decimal", precision=8, scale=2)),
    ("discount", T("decimal", precision=2, scale=2)), ("price", T("decimal", precision=10, scale=2)),
    ("quantity", T("int", bits=16)), ("is_active", T("bool")),
    ("comment", VC(100)), ("last_update", T("timestamptz")),
)


def test_depends():
    col = PEOPLE.column
    assert semantic_depends(PEOPLE, col("email")) == ("first_name", "last_name")
    assert semantic_depends(PEOPLE, col("updated_at")) == ("created_at",)
    assert semantic_depends(PEOPLE, col("ship_date")) == ("order_date",)
    assert semantic_depends(PEOPLE, col("hire_date")) == ("birth_date",)
    assert semantic_depends(PEOPLE, col("city")) == ()
    coded = table("address", ("city", VC(40)), ("country_code", T("string", 2, fixed=True)))
    assert semantic_depends(coded, coded.column("city")) == ("country_code",)  # an ISO code works too
    addr = table("address", ("city", VC(40)), ("country", VC(40)), ("phone", VC(20)))
    assert semantic_depends(addr, addr.column("city")) == ("country",)
    assert semantic_depends(addr, addr.column("phone")) == ("country",)
    assert semantic_depends(PEOPLE, col("first_name")) == ()
    emp = table("dept_emp", ("from_date", T("date")), ("to_date", T("date")))
    assert semantic_depends(emp, emp.column("to_date")) == ("from_date",)


def test_email_consistent_with_names():
    out = gen_table(PEOPLE, 2000, ctx())
    firsts = out["first_name"].to_pylist()
    lasts = out["last_name"].to_pylist()
    emails = out["email"].to_pylist()
    import re

    def slug(s):
        return re.sub(r"[^a-z0-9]", "", s.lower())

    for f, l, e in zip(firsts, lasts, emails):
        local, _, domain = e.partition("@")
        assert "." in domain and local
        assert slug(f) in local or slug(l) in local or local.startswith(slug(f)[0])
    # most e-mails carry the last name of their own row
    own_last = sum(slug(l) in e.split("@")[0] for l, e in zip(lasts, emails))
    assert own_last > 0.75 * len(emails)
    # and almost none carry a different row's name pair
    assert sum(slug(f) + slug(l) in e.replace(".", "").replace("_", "") for f, l, e in zip(firsts, lasts, emails)) > 0.5 * len(emails)


def test_email_from_full_name_column():
    t = table("customers", ("full_name", VC(100)), ("email_address", VC(100)))
    assert semantic_depends(t, t.column("email_address")) == ("full_name",)
    c = ctx()
    c.columns = {"full_name": pa.array(["Ada Lovelace", "Grace Brewster Hopper"] * 50, pa.large_string())}
    emails = semantic_values(t, t.column("email_address"), 100, c).to_pylist()
    even, odd = emails[::2], emails[1::2]
    assert all("lovelace" in e or e.startswith("ada") for e in even)
    assert all("hopper" in e or e.startswith("grace") for e in odd)
    assert sum("lovelace" in e for e in even) > 0.7 * len(even)  # mostly the last name is used
    assert not any("brewster" in e for e in emails)  # middle names are left out


def test_updated_after_created_and_ship_after_order():
    out = gen_table(PEOPLE, 5000, ctx())
    created = out["created_at"].cast(pa.int64()).to_numpy()
    updated = out["updated_at"].cast(pa.int64()).to_numpy()
    assert (updated >= created).all()
    assert (updated != created).mean() > 0.9
    order = out["order_date"].cast(pa.int32()).to_numpy()
    ship = out["ship_date"].cast(pa.int32()).to_numpy()
    assert (ship >= order).all() and (ship - order).max() <= 11
    birth = out["birth_date"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    hire = out["hire_date"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    assert ((hire - birth).astype(int) >= 18 * 365).all()


def test_created_times_are_recent_years():
    out = gen_table(PEOPLE, 3000, ctx())
    years = pc.year(out["created_at"]).to_numpy()
    ref = REF_DAY.astype(object).year
    assert years.min() >= ref - 6 and years.max() <= ref


def test_birth_dates_give_ages_18_to_90():
    t = table("employees", ("birth_date", T("date")), ("dob", T("timestamp")))
    ref = REF_DAY.astype(object)
    for col in t.columns:
        v = semantic_values(t, col, 20_000, ctx())
        days = v.cast(pa.date32()).cast(pa.int32()).to_numpy() if col.type.kind == Kind.DATE else \
            (v.cast(pa.int64()).to_numpy() // 86_400_000_000)
        ages = (np.datetime64(ref, "D").astype(int) - days) / 365.25
        assert ages.min() >= 18 and ages.max() <= 90
        assert ages.max() - ages.min() > 60  # the whole range is used


def test_locale_changes_names_and_cities():
    t = table("person", ("first_name", VC(40)), ("last_name", VC(40)), ("city", VC(40)), ("phone", VC(30)))
    us = gen_table(t, 500, ctx(locale="en_US"))
    de = gen_table(t, 500, ctx(locale="de_DE"))
    for name in ("first_name", "last_name", "city"):
        a, b = set(us[name].to_pylist()), set(de[name].to_pylist())
        assert len(a & b) < 0.2 * min(len(a), len(b)), name
    assert any("ß" in s or "ü" in s or "ö" in s or "ä" in s for s in de["last_name"].to_pylist() + de["city"].to_pylist())
    ja = gen_table(t, 200, ctx(locale="ja_JP"))
    assert all(any(ord(ch) > 0x3000 for ch in s) for s in ja["last_name"].to_pylist())


def test_city_follows_country_column():
    t = table("address", ("country", VC(40)), ("city", VC(40)))
    c = ctx()
    c.columns = {"country": pa.array(["Germany"] * 300 + ["Japan"] * 300, pa.large_string())}
    cities = semantic_values(t, t.column("city"), 600, c).to_pylist()
    assert all(any(ord(ch) > 0x3000 for ch in s) for s in cities[300:])  # Japanese city names
    assert not any(any(ord(ch) > 0x3000 for ch in s) for s in cities[:300])
    de_pool = set(POOLS.get("city", "de_DE", 5000).to_pylist())
    assert all(s in de_pool for s in cities[:300])


@pytest.mark.parametrize("cname,ctype", [
    ("city", VC(40)), ("first_name", VC(40)), ("email", VC(60)), ("price", T("decimal", precision=10, scale=2)),
    ("phone", VC(30)), ("job_title", VC(50)), ("street_address", VC(60)),
])
def test_temperature_changes_distinct_count(cname, ctype):
    t = table("customer", (cname, ctype))
    counts = []
    for temp in (0.0, 1.0, 2.0):
        v = semantic_values(t, t.columns[0], 5000, ctx(temperature=temp))
        counts.append(len(pc.unique(v)))
    assert counts[0] < counts[1] <= counts[2], counts
    assert counts[0] <= 200


def test_low_temperature_is_skewed():
    t = table("customer", ("city", VC(40)))
    v = semantic_values(t, t.columns[0], 10_000, ctx(temperature=0.0))
    top = pc.value_counts(v).field("counts").to_numpy().max()
    assert top > 0.2 * 10_000
    v1 = semantic_values(t, t.columns[0], 10_000, ctx(temperature=1.0))
    counts = np.sort(pc.value_counts(v1).field("counts").to_numpy())[::-1]
    assert counts[0] > 5 * np.median(counts)  # a few common cities, many rare ones


def test_reproducible():
    a = gen_table(PEOPLE, 1000, ctx(seed=7))
    b = gen_table(PEOPLE, 1000, ctx(seed=7))
    c = gen_table(PEOPLE, 1000, ctx(seed=8))
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].equals(b[k]), k
    assert not a["first_name"].equals(c["first_name"])
    # a second Pools object with the same seed gives the same values (pools are deterministic)
    other = Pools(seed=0, cache_dir=False)
    x = GenContext(rng=np.random.default_rng(3), pools=other)
    y = GenContext(rng=np.random.default_rng(3), pools=POOLS)
    col = PEOPLE.column("last_name")
    assert semantic_values(PEOPLE, col, 500, x).equals(semantic_values(PEOPLE, col, 500, y))


EXPECTED_TYPES = {
    Kind.STRING: (pa.types.is_large_string,),
    Kind.INT: (pa.types.is_int64,),
    Kind.DECIMAL: (pa.types.is_float64,),
    Kind.FLOAT: (pa.types.is_float64,),
    Kind.DATE: (pa.types.is_date32,),
    Kind.TIMESTAMP: (pa.types.is_timestamp,),
    Kind.TIMESTAMPTZ: (pa.types.is_timestamp,),
    Kind.BOOL: (pa.types.is_boolean,),
}


@pytest.mark.parametrize("tname,cname,ctype,expected", [x for x in CORPUS if x[3]], ids=[f"{t}.{c}" for t, c, _, e in CORPUS if e])
def test_returned_array_types(tname, cname, ctype, expected):
    t = table(tname, (cname, ctype))
    v = semantic_values(t, t.columns[0], 50, ctx())
    assert v is not None and len(v) == 50 and v.null_count == 0
    assert EXPECTED_TYPES[ctype.kind][0](v.type), v.type
    if ctype.kind == Kind.TIMESTAMPTZ:
        assert v.type.tz == "UTC"
    if ctype.kind == Kind.TIMESTAMP:
        assert v.type.tz is None and v.type.unit == "us"


def test_values_fit_types():
    t = table("x", ("country_code", T("string", 2, fixed=True)), ("cc3", T("string", 3)),
              ("gender", T("string", 1, fixed=True)), ("rental_rate", T("decimal", precision=4, scale=2)),
              ("commission_pct", T("decimal", precision=2, scale=2)), ("salary", T("int")),
              ("quantity", T("int", bits=16)), ("discount", T("float")), ("tax_percentage", T("decimal", precision=5, scale=2)),
              ("active", T("string", 1)))
    c = ctx()
    cc = semantic_values(t, t.column("country_code"), 1000, c).to_pylist()
    assert all(len(s) == 2 and s.isalpha() and s.isupper() for s in cc)
    assert set(semantic_values(t, t.column("gender"), 1000, c).to_pylist()) == {"M", "F"}
    rr = semantic_values(t, t.column("rental_rate"), 5000, c).to_numpy()
    assert (rr > 0).all() and (rr <= 99.99).all() and np.allclose(rr, np.round(rr, 2))
    pct = semantic_values(t, t.column("commission_pct"), 5000, c).to_numpy()
    assert (pct >= 0).all() and (pct < 1).all()
    tax = semantic_values(t, t.column("tax_percentage"), 5000, c).to_numpy()
    assert (tax >= 0).all() and tax.max() > 1 and tax.max() <= 100  # 0..100 when precision allows
    sal = semantic_values(t, t.column("salary"), 5000, c).to_numpy()
    assert sal.dtype == np.int64 and 20_000 < np.median(sal) < 150_000 and (sal > 0).all()
    q = semantic_values(t, t.column("quantity"), 5000, c).to_numpy()
    assert q.min() >= 1 and np.median(q) < 20
    d = semantic_values(t, t.column("discount"), 5000, c).to_numpy()
    assert (d >= 0).all() and (d <= 1).all()
    assert set(semantic_values(t, t.column("active"), 100, c).to_pylist()) <= {"Y", "N"}


def test_text_is_length_aware():
    t = table("x", ("comment", VC(20)), ("description", VC(100)), ("notes", T("string")))
    c = ctx()
    short = pc.utf8_length(semantic_values(t, t.column("comment"), 500, c)).to_numpy()
    mid = pc.utf8_length(semantic_values(t, t.column("description"), 500, c)).to_numpy()
    long = pc.utf8_length(semantic_values(t, t.column("notes"), 500, c)).to_numpy()
    assert np.median(short) < np.median(mid) < np.median(long)
    assert np.mean(short <= 20) > 0.9


def test_identifiers():
    t = table("x", ("uuid", VC(36)), ("password_hash", VC(64)), ("isbn", VC(13)), ("ip_address", VC(15)))
    c = ctx()
    import uuid

    for s in semantic_values(t, t.column("uuid"), 100, c).to_pylist():
        assert uuid.UUID(s).version == 4
    assert all(len(s) == 64 and int(s, 16) >= 0 for s in semantic_values(t, t.column("password_hash"), 100, c).to_pylist())
    for s in semantic_values(t, t.column("isbn"), 100, c).to_pylist():
        digits = [int(ch) for ch in s]
        assert len(digits) == 13 and sum(d * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits)) % 10 == 0
    for s in semantic_values(t, t.column("ip_address"), 100, c).to_pylist():
        parts = [int(p) for p in s.split(".")]
        assert len(parts) == 4 and all(0 <= p <= 255 for p in parts)
