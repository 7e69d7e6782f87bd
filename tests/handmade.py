"""Hand-made data: a small "shop" schema in PostgreSQL, MySQL and SQLite with rows written by hand
(no generation engine), for tests of the store, validation and exports that need exact control,
e.g. to inject one violation of a given kind.

The schema has: identity/serial/auto-increment keys, a quoted mixed-case table and column (PG),
a self-reference, a composite PK and a composite FK, a NOT NULL FK cycle (store <-> staff), CHECKs,
enum, array/SET, json, bytes, uuid, time, timestamptz/geometry columns, and awkward strings.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Callable

import pyarrow as pa

from synthtalk_jupyter.generation.result import GenerationResult
from synthtalk_jupyter.schema.parse import parse_ddl

PG = """
CREATE TYPE tier AS ENUM ('gold', 'silver', 'bronze');
CREATE TABLE customer (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name varchar(40) NOT NULL,
  email varchar(80) UNIQUE,
  active boolean NOT NULL DEFAULT true,
  born date,
  created_at timestamp NOT NULL,
  seen_at timestamptz,
  balance numeric(10,2) CHECK (balance >= 0),
  level tier,
  tags text[],
  profile jsonb,
  photo bytea,
  uid uuid,
  wake time,
  referrer_id integer REFERENCES customer(id)
);
CREATE TABLE "Product" (sku char(8) PRIMARY KEY, "Title" varchar(100) NOT NULL, price numeric(8,2));
CREATE TABLE orders (
  id serial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customer(id),
  amount numeric(12,2) NOT NULL CHECK (amount > 0),
  status varchar(10) NOT NULL CHECK (status IN ('new', 'paid', 'shipped')),
  note text,
  ordered_at timestamp NOT NULL,
  shipped_at timestamp,
  CHECK (shipped_at IS NULL OR shipped_at >= ordered_at)
);
CREATE TABLE order_item (
  order_id integer NOT NULL REFERENCES orders(id),
  line smallint NOT NULL,
  sku char(8) NOT NULL REFERENCES "Product"(sku),
  qty integer NOT NULL CHECK (qty BETWEEN 1 AND 100),
  PRIMARY KEY (order_id, line)
);
CREATE TABLE shipment (
  id bigint PRIMARY KEY,
  order_id integer,
  line smallint,
  FOREIGN KEY (order_id, line) REFERENCES order_item(order_id, line)
);
CREATE TABLE store (id integer PRIMARY KEY, name varchar(20) NOT NULL, manager_id integer NOT NULL);
CREATE TABLE staff (
  id integer PRIMARY KEY,
  store_id integer NOT NULL REFERENCES store(id),
  boss_id integer REFERENCES staff(id)
);
ALTER TABLE store ADD CONSTRAINT store_manager_fk FOREIGN KEY (manager_id) REFERENCES staff(id);
"""

MYSQL = """
CREATE TABLE customer (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(40) NOT NULL,
  email VARCHAR(80) UNIQUE,
  active BOOLEAN NOT NULL DEFAULT 1,
  born DATE,
  created_at DATETIME NOT NULL,
  seen_at TIMESTAMP NULL,
  balance DECIMAL(10,2) CHECK (balance >= 0),
  level ENUM('gold','silver','bronze'),
  tags SET('new','vip','churn'),
  profile JSON,
  photo BLOB,
  uid CHAR(36),
  wake TIME,
  score MEDIUMINT,
  location GEOMETRY,
  referrer_id INT UNSIGNED,
  FOREIGN KEY (referrer_id) REFERENCES customer(id)
) ENGINE=InnoDB;
CREATE TABLE `Product` (sku CHAR(8) PRIMARY KEY, `Title` VARCHAR(100) NOT NULL, price DECIMAL(8,2)) ENGINE=InnoDB;
CREATE TABLE orders (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  amount DECIMAL(12,2) NOT NULL CHECK (amount > 0),
  status VARCHAR(10) NOT NULL CHECK (status IN ('new', 'paid', 'shipped')),
  note TEXT,
  ordered_at DATETIME NOT NULL,
  shipped_at DATETIME NULL,
  CHECK (shipped_at IS NULL OR shipped_at >= ordered_at),
  FOREIGN KEY (customer_id) REFERENCES customer(id)
) ENGINE=InnoDB;
CREATE TABLE order_item (
  order_id INT NOT NULL,
  line SMALLINT NOT NULL,
  sku CHAR(8) NOT NULL,
  qty INT NOT NULL CHECK (qty BETWEEN 1 AND 100),
  PRIMARY KEY (order_id, line),
  FOREIGN KEY (order_id) REFERENCES orders(id),
  FOREIGN KEY (sku) REFERENCES `Product`(sku)
) ENGINE=InnoDB;
CREATE TABLE shipment (
  id BIGINT PRIMARY KEY,
  order_id INT,
  line SMALLINT,
  FOREIGN KEY (order_id, line) REFERENCES order_item(order_id, line)
) ENGINE=InnoDB;
CREATE TABLE store (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, manager_id INT NOT NULL) ENGINE=InnoDB;
CREATE TABLE staff (
  id INT PRIMARY KEY,
  store_id INT NOT NULL,
  boss_id INT,
  FOREIGN KEY (store_id) REFERENCES store(id),
  FOREIGN KEY (boss_id) REFERENCES staff(id)
) ENGINE=InnoDB;
ALTER TABLE store ADD CONSTRAINT store_manager_fk FOREIGN KEY (manager_id) REFERENCES staff(id);
"""

SQLITE = """
CREATE TABLE customer (
  id INTEGER PRIMARY KEY,
  name VARCHAR(40) NOT NULL,
  email VARCHAR(80) UNIQUE,
  active BOOLEAN NOT NULL DEFAULT 1,
  born DATE,
  created_at DATETIME NOT NULL,
  seen_at DATETIME,
  balance DECIMAL(10,2) CHECK (balance >= 0),
  level VARCHAR(10) CHECK (level IN ('gold', 'silver', 'bronze')),
  tags TEXT,
  profile TEXT,
  photo BLOB,
  uid CHAR(36),
  wake TIME,
  referrer_id INTEGER REFERENCES customer(id)
);
CREATE TABLE "Product" (sku CHAR(8) PRIMARY KEY, "Title" VARCHAR(100) NOT NULL, price DECIMAL(8,2));
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customer(id),
  amount DECIMAL(12,2) NOT NULL CHECK (amount > 0),
  status VARCHAR(10) NOT NULL CHECK (status IN ('new', 'paid', 'shipped')),
  note TEXT,
  ordered_at DATETIME NOT NULL,
  shipped_at DATETIME,
  CHECK (shipped_at IS NULL OR shipped_at >= ordered_at)
);
CREATE TABLE order_item (
  order_id INTEGER NOT NULL REFERENCES orders(id),
  line SMALLINT NOT NULL,
  sku CHAR(8) NOT NULL REFERENCES "Product"(sku),
  qty INTEGER NOT NULL CHECK (qty BETWEEN 1 AND 100),
  PRIMARY KEY (order_id, line)
);
CREATE TABLE shipment (
  id BIGINT PRIMARY KEY,
  order_id INTEGER,
  line SMALLINT,
  FOREIGN KEY (order_id, line) REFERENCES order_item(order_id, line)
);
CREATE TABLE store (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, manager_id INTEGER NOT NULL REFERENCES staff(id));
CREATE TABLE staff (
  id INTEGER PRIMARY KEY,
  store_id INTEGER NOT NULL REFERENCES store(id),
  boss_id INTEGER REFERENCES staff(id)
);
"""

DDL = {"postgres": PG, "mysql": MYSQL, "sqlite": SQLITE}

AWKWARD = ["O'Brien", "back\\slash", "two\nlines", "tab\there", "ünïcödé ı", "emoji 🎉", "", "100% _under_",
           'say "hi"', "semi;colon -- not a comment", "/* nor this */", "$$dollar$$"]

T0 = dt.datetime(2024, 1, 1, 9, 30, 0)


def shop_tables(dialect: str, n: int = 30) -> dict[str, pa.Table]:
    """The rows of every table (n customers, n orders, ~1.5 n items, 3 stores, 6 staff)."""
    cust = {
        "id": pa.array(range(1, n + 1), pa.int64()),
        "name": pa.array([AWKWARD[i % len(AWKWARD)] or "x" for i in range(n)]),
        "email": pa.array([f"user{i}@example.com" if i % 5 else None for i in range(n)]),
        "active": pa.array([i % 3 != 0 for i in range(n)]),
        "born": pa.array([dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28) if i % 7 else None for i in range(n)]),
        "created_at": pa.array([T0 + dt.timedelta(hours=i, microseconds=i * 1001) for i in range(n)],
                               pa.timestamp("us")),
        "balance": pa.array([decimal.Decimal(f"{i * 37 % 10000}.{i % 100:02d}") for i in range(n)],
                            pa.decimal128(10, 2)),
        "level": pa.array([["gold", "silver", "bronze", None][i % 4] for i in range(n)]),
        "photo": pa.array([bytes([i % 256, 0, 255, 39, 92]) if i % 2 else None for i in range(n)], pa.binary()),
        "uid": pa.array([f"00000000-0000-4000-8000-{i:012d}" for i in range(n)]),
        "wake": pa.array([dt.time(6 + i % 4, i % 60, 0) for i in range(n)], pa.time64("us")),
        # self-reference: some to earlier, some to later rows (a forward reference)
        "referrer_id": pa.array([None if i % 4 == 0 else ((i + 7) % n) + 1 for i in range(n)], pa.int64()),
    }
    if dialect == "postgres":
        cust["seen_at"] = pa.array([dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=i)
                                    for i in range(n)], pa.timestamp("us", tz="UTC"))
        cust["tags"] = pa.array([["new", "vip's"][: i % 3] for i in range(n)], pa.list_(pa.string()))
        cust["profile"] = pa.array(['{"k": "v\'s", "n": %d}' % i for i in range(n)])
    elif dialect == "mysql":
        cust["seen_at"] = pa.array([dt.datetime(2024, 3, 1, 12) + dt.timedelta(minutes=i) for i in range(n)],
                                   pa.timestamp("us"))
        cust["tags"] = pa.array([["", "new", "new,vip", "churn"][i % 4] for i in range(n)])
        cust["profile"] = pa.array(['{"k": "v\'s", "n": %d}' % i for i in range(n)])
        cust["score"] = pa.array([(-1) ** i * (i * 99_991 % 8_388_607) for i in range(n)], pa.int32())
        cust["location"] = pa.array([f"POINT({i % 90} {i % 45})" for i in range(n)])
    else:
        cust["seen_at"] = pa.array([dt.datetime(2024, 3, 1, 12) + dt.timedelta(minutes=i) for i in range(n)],
                                   pa.timestamp("us"))
        cust["tags"] = pa.array([",".join(["new", "vip"][: i % 3]) for i in range(n)])
        cust["profile"] = pa.array(['{"n": %d}' % i for i in range(n)])
    products = 20
    prod = {
        "sku": pa.array([f"SKU{i:05d}" for i in range(products)]),
        "Title": pa.array([f"Product {AWKWARD[i % len(AWKWARD)]}" for i in range(products)]),
        "price": pa.array([decimal.Decimal(f"{i + 1}.99") if i % 6 else None for i in range(products)],
                          pa.decimal128(8, 2)),
    }
    orders = {
        "id": pa.array(range(1, n + 1), pa.int64()),
        "customer_id": pa.array([(i * 7) % n + 1 for i in range(n)], pa.int64()),
        "amount": pa.array([decimal.Decimal(f"{i + 1}.50") for i in range(n)], pa.decimal128(12, 2)),
        "status": pa.array([["new", "paid", "shipped"][i % 3] for i in range(n)]),
        "note": pa.array([AWKWARD[(i + 3) % len(AWKWARD)] if i % 2 else None for i in range(n)]),
        "ordered_at": pa.array([T0 + dt.timedelta(days=i) for i in range(n)], pa.timestamp("us")),
        "shipped_at": pa.array([T0 + dt.timedelta(days=i + 2) if i % 3 == 2 else None for i in range(n)],
                               pa.timestamp("us")),
    }
    items_o, items_l = [], []
    for o in range(1, n + 1):
        for line in range(1, 1 + (o % 2) + 1):
            items_o.append(o)
            items_l.append(line)
    m = len(items_o)
    item = {
        "order_id": pa.array(items_o, pa.int64()),
        "line": pa.array(items_l, pa.int16()),
        "sku": pa.array([f"SKU{(i * 3) % products:05d}" for i in range(m)]),
        "qty": pa.array([i % 100 + 1 for i in range(m)], pa.int32()),
    }
    ns = max(1, n // 2)
    ship = {
        "id": pa.array(range(1, ns + 1), pa.int64()),
        "order_id": pa.array([items_o[i] if i % 3 else None for i in range(ns)], pa.int64()),
        "line": pa.array([items_l[i] if i % 3 else None for i in range(ns)], pa.int16()),
    }
    store = {"id": pa.array([1, 2, 3], pa.int64()), "name": pa.array(["North", "South's", "East"]),
             "manager_id": pa.array([1, 2, 3], pa.int64())}
    staff = {"id": pa.array(range(1, 7), pa.int64()), "store_id": pa.array([1, 2, 3, 1, 2, 3], pa.int64()),
             "boss_id": pa.array([None, 1, 1, 2, 6, 2], pa.int64())}
    return {"customer": pa.table(cust), "Product": pa.table(prod), "orders": pa.table(orders),
            "order_item": pa.table(item), "shipment": pa.table(ship), "store": pa.table(store),
            "staff": pa.table(staff)}


def make_result(dialect: str = "postgres", n: int = 30, *, chunk_rows: int = 7,
                mutate: Callable[[dict[str, pa.Table]], None] | None = None) -> GenerationResult:
    """A GenerationResult for the shop schema, streamed in chunks of ``chunk_rows``; ``mutate`` may
    change the tables first (to inject violations)."""
    schema = parse_ddl(DDL[dialect], dialect)
    tables = shop_tables(dialect, n)
    if mutate is not None:
        mutate(tables)
    order = schema.dependency_order()
    pos = {k: i for i, k in enumerate(order)}
    deferred = [(k, fk) for k in order for fk in schema.tables[k].foreign_keys
                if fk.ref_table in pos and pos[fk.ref_table] > pos[k]]

    def chunks():
        for key in order:
            for b in tables[key].to_batches(max_chunksize=chunk_rows):
                yield key, b

    return GenerationResult(schema=schema, order=order, row_counts={k: tables[k].num_rows for k in order},
                            deferred=deferred, notices=["hand-made"], seed=0, _chunks=chunks)


def replace_column(tables: dict[str, pa.Table], table: str, column: str, values: list) -> None:
    t = tables[table]
    i = t.column_names.index(column)
    tables[table] = t.set_column(i, column, pa.array(values, t.schema.field(i).type))
