"""Data sources the chat can talk to.

The chat needs any object with ``.name``, ``.schema`` (a :class:`Schema`), ``.tables``
(table keys) and ``.arrow(table_key) -> pyarrow.Table``; the store's ``Dataset`` is one.
:class:`MemorySource` is another (Arrow tables held in memory), used by tests and
benchmarks; :func:`demo_shop` builds a deterministic customer/orders/order_items/product one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import pyarrow as pa

from ..schema.model import Column, ColumnType, ForeignKey, Kind, Schema, Table


@runtime_checkable
class DataSource(Protocol):
    name: str

    @property
    def schema(self) -> Schema: ...

    @property
    def tables(self) -> list[str]: ...

    def arrow(self, table: str) -> pa.Table: ...


@dataclass
class MemorySource:
    name: str
    schema: Schema
    data: dict[str, pa.Table] = field(default_factory=dict)

    @property
    def tables(self) -> list[str]:
        return [k for k in self.schema.tables if k in self.data]

    def arrow(self, table: str) -> pa.Table:
        key = self.schema.table(table).key
        return self.data[key]


def _col(name: str, kind: Kind, nullable: bool = True, **kw) -> Column:
    return Column(name, ColumnType(kind, raw=kind.value.upper(), **kw), nullable=nullable)


def shop_schema() -> Schema:
    s = Schema(dialect="duckdb")
    s.add(Table("customer", columns=[
        _col("customer_id", Kind.INT, False, bits=32),
        _col("name", Kind.STRING, False, length=80),
        _col("email", Kind.STRING, True, length=120),
        _col("country", Kind.STRING, False, length=2),
        _col("segment", Kind.ENUM, False, values=("consumer", "corporate", "home_office")),
        _col("created_at", Kind.DATE, False),
    ], primary_key=("customer_id",)))
    s.add(Table("product", columns=[
        _col("product_id", Kind.INT, False, bits=32),
        _col("name", Kind.STRING, False, length=80),
        _col("category", Kind.STRING, False, length=40),
        _col("price", Kind.DECIMAL, False, precision=10, scale=2),
    ], primary_key=("product_id",)))
    s.add(Table("orders", columns=[
        _col("order_id", Kind.INT, False, bits=64),
        _col("customer_id", Kind.INT, False, bits=32),
        _col("order_date", Kind.DATE, False),
        _col("status", Kind.ENUM, False, values=("pending", "shipped", "delivered", "cancelled")),
        _col("total", Kind.DECIMAL, False, precision=12, scale=2),
    ], primary_key=("order_id",),
        foreign_keys=[ForeignKey(("customer_id",), "customer", ("customer_id",))]))
    s.add(Table("order_items", columns=[
        _col("order_id", Kind.INT, False, bits=64),
        _col("line_no", Kind.INT, False, bits=16),
        _col("product_id", Kind.INT, False, bits=32),
        _col("quantity", Kind.INT, False, bits=32),
        _col("unit_price", Kind.DECIMAL, False, precision=10, scale=2),
    ], primary_key=("order_id", "line_no"),
        foreign_keys=[ForeignKey(("order_id",), "orders", ("order_id",)),
                      ForeignKey(("product_id",), "product", ("product_id",))]))
    return s


_FIRST = ["Ada", "Ben", "Chloe", "Dev", "Emma", "Femi", "Gus", "Hana", "Ivan", "Jun", "Kira", "Liam"]
_LAST = ["Smith", "Okafor", "Novak", "Garcia", "Tanaka", "Muller", "Rossi", "Khan", "Silva", "Berg"]
_COUNTRIES = ["US", "DE", "FR", "GB", "JP", "BR", "IN", "NG"]
_CATEGORIES = ["Books", "Garden", "Electronics", "Toys", "Kitchen", "Sports"]


def demo_shop(customers: int = 200, products: int = 50, orders: int = 1000, items_per_order: int = 2,
              seed: int = 0, name: str = "shop") -> MemorySource:
    """A deterministic shop dataset (same seed, same data). ``orders`` may be 1 M."""
    rng = np.random.default_rng(seed)
    cid = np.arange(1, customers + 1, dtype=np.int32)
    first = np.array(_FIRST)[cid % len(_FIRST)]
    last = np.array(_LAST)[(cid // len(_FIRST)) % len(_LAST)]
    names = np.char.add(np.char.add(first, " "), last)
    names = np.char.add(names, np.where(cid > len(_FIRST) * len(_LAST), " " + (cid // 120).astype(str), ""))
    emails = np.char.add(np.char.add(np.char.lower(first), cid.astype(str)), "@example.com")
    day0 = np.datetime64("2022-01-01")
    customer = pa.table({
        "customer_id": cid,
        "name": names.astype(str),
        "email": emails.astype(str),
        "country": np.array(_COUNTRIES)[rng.integers(0, len(_COUNTRIES), customers)],
        "segment": np.array(["consumer", "corporate", "home_office"])[rng.integers(0, 3, customers)],
        "created_at": (day0 + rng.integers(0, 365, customers).astype("timedelta64[D]")),
    })
    pid = np.arange(1, products + 1, dtype=np.int32)
    price = np.round(rng.uniform(2, 500, products), 2)
    product = pa.table({
        "product_id": pid,
        "name": np.char.add("Product ", pid.astype(str)).astype(str),
        "category": np.array(_CATEGORIES)[pid % len(_CATEGORIES)],
        "price": pa.array(price).cast(pa.decimal128(10, 2)),
    })
    oid = np.arange(1, orders + 1, dtype=np.int64)
    ocust = rng.integers(1, customers + 1, orders).astype(np.int32)
    odate = day0 + rng.integers(0, 3 * 365, orders).astype("timedelta64[D]")
    status = np.array(["pending", "shipped", "delivered", "cancelled"])[
        rng.choice(4, orders, p=[0.1, 0.2, 0.6, 0.1])]
    n_items = orders * items_per_order
    item_order = np.repeat(oid, items_per_order)
    line = np.tile(np.arange(1, items_per_order + 1, dtype=np.int16), orders)
    item_prod = rng.integers(1, products + 1, n_items).astype(np.int32)
    qty = rng.integers(1, 6, n_items).astype(np.int32)
    unit = price[item_prod - 1]
    line_total = np.round(qty * unit, 2)
    totals = np.round(line_total.reshape(orders, items_per_order).sum(axis=1), 2)
    orders_t = pa.table({
        "order_id": oid,
        "customer_id": ocust,
        "order_date": odate,
        "status": status,
        "total": pa.array(totals).cast(pa.decimal128(12, 2)),
    })
    items = pa.table({
        "order_id": item_order,
        "line_no": line,
        "product_id": item_prod,
        "quantity": qty,
        "unit_price": pa.array(unit).cast(pa.decimal128(10, 2)),
    })
    return MemorySource(name, shop_schema(), {"customer": customer, "product": product,
                                              "orders": orders_t, "order_items": items})
