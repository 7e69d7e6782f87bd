"""parse_ddl on the real-schema corpus and on small hand-made inputs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlglot import exp

from synthtalk_jupyter.errors import DDLError
from synthtalk_jupyter.schema import Kind, NoteLevel, Schema, parse_ddl

CORPUS = Path("/work/shared/ddl-corpus")

# file -> (dialect, tables, FKs) as in the corpus README (FKs as declared in the DDL)
EXPECTED = {
    "chinook.sqlite.sql": ("sqlite", 11, 11),
    "chinook.postgres.sql": ("postgres", 11, 11),
    "chinook.mysql.sql": ("mysql", 11, 11),
    "chinook.sqlserver.sql": ("tsql", 11, 11),
    "northwind.postgres.sql": ("postgres", 14, 13),
    "northwind.mysql.sql": ("mysql", 20, 21),
    "sakila.mysql.sql": ("mysql", 16, 22),
    "pagila.postgres.sql": ("postgres", 22, 36),
    "pagila_pg18.postgres.sql": ("postgres", 71, 37),
    "tpch.ansi.sql": ("postgres", 8, 8),
    "tpcds.ansi.sql": ("postgres", 25, 102),
    "employees.mysql.sql": ("mysql", 6, 6),
    "hr.oracle.sql": ("oracle", 7, 10),
    "customer_orders.oracle.sql": ("oracle", 7, 9),
    "adventureworks.sqlserver.sql": ("tsql", 71, 90),
    "adventureworksdw.sqlserver.sql": ("tsql", 31, 44),
    "spider_college_2.sqlite.sql": ("sqlite", 11, 13),
    "spider_hospital_1.sqlite.sql": ("sqlite", 15, 23),
    "spider_department_store.sqlite.sql": ("sqlite", 14, 13),
}

_cache: dict[tuple[str, str | None], Schema] = {}


def corpus(name: str, dialect: str | None = "file") -> Schema:
    if dialect == "file":
        dialect = EXPECTED[name][0]
    key = (name, dialect)
    if key not in _cache:
        _cache[key] = parse_ddl(read(name), dialect)
    return _cache[key]


def read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def declared_fks(s: Schema) -> int:
    """FKs as written: the copies the parser puts on a partitioned parent are not counted."""
    n = 0
    for t in s:
        has_parts = any(c.partition_of == t.key for c in s)
        if has_parts:
            child_fks = {(f.columns, f.ref_table, f.ref_columns) for c in s if c.partition_of == t.key
                         for f in c.foreign_keys}
            n += sum(1 for f in t.foreign_keys if f.name is not None or
                     (f.columns, f.ref_table, f.ref_columns) not in child_fks)
        else:
            n += len(t.foreign_keys)
    return n


# ---------------------------------------------------------------------------
# the whole corpus
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_counts(name):
    dialect, n_tables, n_fks = EXPECTED[name]
    s = corpus(name)
    assert s.dialect == dialect
    assert len(s) == n_tables
    assert declared_fks(s) == n_fks
    assert not [n for n in s.notes if n.level == NoteLevel.ERROR], [str(n) for n in s.notes]
    # every FK points at a real table and real columns, with matching arity
    for t in s:
        for fk in t.foreign_keys:
            ref = s.tables[fk.ref_table]
            assert len(fk.columns) == len(fk.ref_columns) > 0
            assert all(t.has_column(c) for c in fk.columns)
            assert all(ref.has_column(c) for c in fk.ref_columns)
        for c in t.primary_key:
            assert not t.column(c).nullable
    assert s.source == read(name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_without_dialect_gives_same_model(name):
    s = corpus(name, None)
    ref = corpus(name)
    assert s.dialect == ref.dialect
    assert list(s.tables) == list(ref.tables)
    assert declared_fks(s) == EXPECTED[name][2]


def test_adventureworks_is_fast():
    text = read("adventureworks.sqlserver.sql")
    t0 = time.perf_counter()
    s = parse_ddl(text, "tsql")
    assert time.perf_counter() - t0 < 2.0
    assert len(s) == 71


# ---------------------------------------------------------------------------
# file-specific facts
# ---------------------------------------------------------------------------

def test_chinook_self_reference_and_composite_pk():
    for name in ("chinook.sqlite.sql", "chinook.mysql.sql", "chinook.sqlserver.sql"):
        s = corpus(name)
        emp = s.table("Employee")
        self_fk = [f for f in emp.foreign_keys if f.ref_table == emp.key]
        assert [(f.columns, f.ref_columns) for f in self_fk] == [(("ReportsTo",), ("EmployeeId",))]
        assert s.table("PlaylistTrack").primary_key == ("PlaylistId", "TrackId")
    s = corpus("chinook.sqlserver.sql")
    assert s.table("Album").schema == "dbo"
    assert s.table("dbo.Album").key == "Album"
    # forward reference: Album -> Artist, Artist created after Album in the SQLite file
    s = corpus("chinook.sqlite.sql")
    assert list(s.tables).index("Album") < list(s.tables).index("Artist")
    assert s.table("Album").foreign_keys[0].ref_table == "Artist"
    assert s.table("Album").column("AlbumId").identity  # INTEGER PRIMARY KEY = rowid alias


def test_chinook_postgres_fk_actions():
    s = corpus("chinook.postgres.sql")
    fk = s.table("album").foreign_keys[0]
    assert fk.ref_table == "artist" and fk.on_delete == "NO ACTION"


def test_sakila_enum_set_geometry_cycle():
    s = corpus("sakila.mysql.sql")
    film = s.table("film")
    rating = film.column("rating").type
    assert rating.kind == Kind.ENUM and rating.values == ("G", "PG", "PG-13", "R", "NC-17")
    feats = film.column("special_features").type
    assert feats.kind == Kind.SET
    assert feats.values == ("Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes")
    assert film.column("release_year").type.kind == Kind.INT
    assert film.column("film_id").type.bits == 16 and film.column("film_id").type.unsigned
    assert film.column("film_id").identity
    assert s.table("category").column("category_id").type.bits == 8
    loc = s.table("address").column("location")
    assert loc.type.kind == Kind.GEOMETRY and not loc.nullable
    assert s.table("staff").column("picture").type.kind == Kind.BYTES
    # the store <-> staff cycle, both sides NOT NULL
    store, staff = s.table("store"), s.table("staff")
    st_fk = [f for f in store.foreign_keys if f.ref_table == "staff"][0]
    sf_fk = [f for f in staff.foreign_keys if f.ref_table == "store"][0]
    assert not store.column(st_fk.columns[0]).nullable
    assert not staff.column(sf_fk.columns[0]).nullable
    assert st_fk.on_delete == "RESTRICT" and st_fk.on_update == "CASCADE"
    assert ("manager_staff_id",) in store.uniques
    assert s.table("actor").column("last_update").default.upper().startswith("CURRENT_TIMESTAMP")
    assert s.table("address").column("address2").default is None  # DEFAULT NULL


def test_pagila_enum_domain_partitions():
    s = corpus("pagila.postgres.sql")
    film = s.table("film")
    rating = film.column("rating").type
    assert rating.kind == Kind.ENUM and rating.values == ("G", "PG", "PG-13", "R", "NC-17")
    ry = film.column("release_year")
    assert ry.type.kind == Kind.INT and ry.type.raw.endswith("year") and ry.type.sql == "INT"
    year_checks = [c for c in film.checks if c.name == "year_check"]
    assert len(year_checks) == 1
    assert year_checks[0].columns == ("release_year",)
    assert "VALUE" not in year_checks[0].sql.upper().replace("RELEASE_YEAR", "")
    lows = {int(l.this) for l in year_checks[0].expression.find_all(exp.Literal)}
    assert lows == {1901, 2155}
    sf = film.column("special_features").type
    assert sf.kind == Kind.ARRAY and sf.element.kind == Kind.STRING
    assert film.column("fulltext").type.kind == Kind.OTHER
    assert film.column("film_id").identity  # DEFAULT nextval(...)
    assert s.table("staff").column("picture").type.kind == Kind.BYTES
    # partitions
    payment = s.table("payment")
    parts = [t for t in s if t.partition_of == payment.key]
    assert len(parts) == 7
    assert payment.primary_key == ("payment_date", "payment_id")
    bounds = [c for c in payment.checks if c.name == "partition_bounds"]
    assert len(bounds) == 1 and bounds[0].columns == ("payment_date",)
    assert isinstance(bounds[0].expression, exp.Or)
    assert "2022-01-01 00:00:00+00" in bounds[0].sql and "2022-08-01" in bounds[0].sql
    # FKs declared on the partitions constrain the parent's rows: copied once each
    refs = sorted(f.ref_table for f in payment.foreign_keys)
    assert refs == ["customer", "rental", "staff"]
    assert [len(p.foreign_keys) for p in parts] == [3, 3, 3, 3, 3, 3, 0]  # as in the dump


def test_pagila_nonascii_domain():
    s = corpus("pagila.postgres.sql")
    info = [n.message for n in s.notes if "bıgınt" in n.message]
    assert info and "BIGINT" in info[0]
    ddl = 'CREATE DOMAIN public."bıgınt" AS bigint;\nCREATE TABLE t (id public."bıgınt" NOT NULL PRIMARY KEY);'
    t = parse_ddl(ddl, "postgres").table("t")
    assert t.column("id").type.kind == Kind.INT and t.column("id").type.bits == 64


def test_pagila_pg18_virtual_uuid_vector():
    s = corpus("pagila_pg18.postgres.sql")
    film = s.table("film")
    lh = film.column("length_hours")
    assert lh.is_generated and "60.0" in lh.generated_sql and lh.type.kind == Kind.DECIMAL
    assert lh not in film.generated_columns
    assert s.table("customer").column("uuid").type.kind == Kind.UUID
    assert s.table("customer").column("uuid").default.lower() == "uuidv7()"
    emb = [c for t in s for c in t.columns if c.type.raw.lower().endswith("vector(20)")]
    assert emb and emb[0].type.dimension == 20
    assert len([t for t in s if t.partition_of]) == 55


def test_tpch_db2_fks_and_composite_fk():
    s = corpus("tpch.ansi.sql")
    nation = s.table("NATION")
    assert nation.primary_key == ("N_NATIONKEY",)
    assert [(f.name, f.ref_table, f.ref_columns) for f in nation.foreign_keys] == \
        [("NATION_FK1", "REGION", ("R_REGIONKEY",))]
    li = s.table("LINEITEM")
    assert li.primary_key == ("L_ORDERKEY", "L_LINENUMBER")
    comp = [f for f in li.foreign_keys if len(f.columns) == 2]
    assert [(f.columns, f.ref_table, f.ref_columns) for f in comp] == \
        [(("L_PARTKEY", "L_SUPPKEY"), "PARTSUPP", ("PS_PARTKEY", "PS_SUPPKEY"))]
    assert s.table("PART").column("P_RETAILPRICE").type.precision == 15
    assert s.table("NATION").column("N_NAME").type.fixed


def test_tpcds_many_fks_to_same_dimension():
    s = corpus("tpcds.ansi.sql")
    ss = s.table("store_sales")
    assert len(ss.primary_key) == 2
    to_date = [f for f in ss.foreign_keys if f.ref_table == "date_dim"]
    assert len(to_date) >= 1
    assert s.find("dbgen_version") is not None


def test_hr_cycle_checks_unique_index_and_pk():
    s = corpus("hr.oracle.sql")
    emp, dept = s.table("employees"), s.table("departments")
    assert emp.primary_key == ("employee_id",)
    assert emp.uniques == [("email",)]  # the PK's unique index is not a second constraint
    assert any(f.ref_table == "departments" and f.ref_columns == ("department_id",) for f in emp.foreign_keys)
    assert any(f.ref_table == "employees" and f.columns == ("manager_id",) for f in dept.foreign_keys)
    assert any(f.ref_table == "employees" and f.columns == ("manager_id",) for f in emp.foreign_keys)
    sal = [c for c in emp.checks if c.name == "emp_salary_min"][0]
    assert isinstance(sal.expression, exp.GT) and sal.columns == ("salary",)
    assert not emp.column("last_name").nullable  # CONSTRAINT emp_last_name_nn NOT NULL
    assert emp.column("first_name").nullable
    assert s.table("job_history").primary_key == ("employee_id", "start_date")
    assert s.table("countries").primary_key == ("country_id",)  # ORGANIZATION INDEX table
    sal_t = emp.column("salary").type
    assert sal_t.kind == Kind.DECIMAL and (sal_t.precision, sal_t.scale) == (8, 2)
    assert emp.column("employee_id").type.kind == Kind.INT
    assert s.table("regions").column("region_id").type.kind == Kind.DECIMAL  # bare NUMBER
    assert emp.column("email").type.length == 25


def test_customer_orders_identity_and_check_lists():
    s = corpus("customer_orders.oracle.sql")
    cust = s.table("customers")
    assert cust.column("customer_id").identity and not cust.column("customer_id").nullable
    assert cust.column("email_address").type.length == 255
    orders = s.table("orders")
    st = [c for c in orders.checks if "order_status" in c.columns][0]
    ins = st.expression.find(exp.In)
    assert ins is not None
    assert {e.this for e in ins.expressions} == {"CANCELLED", "COMPLETE", "OPEN", "PAID", "REFUNDED", "SHIPPED"}
    stores = s.table("stores")
    multi = [c for c in stores.checks if len(c.columns) == 2]
    assert multi and isinstance(multi[0].expression, exp.Or)
    assert s.table("order_items").primary_key == ("order_id", "line_item_id")
    assert s.table("products").column("product_image").type.kind == Kind.BYTES


def test_adventureworks_alias_types_computed_checks_composite_fk():
    s = corpus("adventureworks.sqlserver.sql")
    assert sum(len(t.checks) for t in s) == 89
    emp = s.table("HumanResources.Employee")
    assert emp.schema == "HumanResources"
    flag = emp.column("SalariedFlag")
    assert flag.type.kind == Kind.BOOL and flag.type.raw == "Flag" and flag.type.sql == "BIT"
    assert not flag.nullable  # the alias type says NOT NULL
    name = s.table("Person.Person").column("FirstName")
    assert name.type.kind == Kind.STRING and name.type.length == 50 and name.type.raw == "Name"
    gen = [(t.name, c.name) for t in s for c in t.columns if c.is_generated]
    assert len(gen) == 10
    assert ("SalesOrderHeader", "TotalDue") in gen and ("Employee", "OrganizationLevel") in gen
    total_due = s.table("PurchaseOrderHeader").column("TotalDue")
    assert isinstance(total_due.generated, exp.Expression)
    sod = s.table("SalesOrderDetail")
    comp = [f for f in sod.foreign_keys if len(f.columns) == 2][0]
    assert comp.ref_table == "SpecialOfferProduct" and comp.columns == ("SpecialOfferID", "ProductID")
    assert sod.primary_key == ("SalesOrderID", "SalesOrderDetailID")
    assert sod.column("SalesOrderDetailID").identity
    assert s.table("dbo.DatabaseLog").column("TSQL").type.kind == Kind.STRING
    assert s.table("dbo.DatabaseLog").column("TSQL").type.length is None  # NVARCHAR(MAX)
    assert s.table("dbo.DatabaseLog").column("Event").type.length == 128  # sysname
    assert s.table("Person.Address").column("SpatialLocation").type.kind == Kind.GEOMETRY
    assert s.table("Person.Address").column("rowguid").type.kind == Kind.UUID
    cur = s.table("Sales.SalesOrderHeader").column("SubTotal").type
    assert (cur.kind, cur.precision, cur.scale) == (Kind.DECIMAL, 19, 4)
    assert s.table("Production.Document").column("DocumentNode").type.kind == Kind.OTHER
    chk = [c for c in emp.checks if c.name == "CK_Employee_Gender"][0]
    assert chk.columns == ("Gender",)
    assert len([n for n in s.notes if "alias type" in n.message]) == 6


def test_adventureworksdw_self_fks_and_run_together_alters():
    s = corpus("adventureworksdw.sqlserver.sql")
    selfs = sorted(t.name for t in s for f in t.foreign_keys if f.ref_table == t.key)
    assert selfs == ["DimAccount", "DimDepartmentGroup", "DimEmployee", "DimOrganization"]
    fisr = s.table("FactInternetSalesReason")
    comp = [f for f in fisr.foreign_keys if len(f.columns) == 2][0]
    assert comp.ref_table == "FactInternetSales"
    assert comp.columns == ("SalesOrderNumber", "SalesOrderLineNumber")
    assert s.table("DimAccount").column("AccountKey").identity


def test_spider_files():
    s = corpus("spider_college_2.sqlite.sql")
    four = [f for t in s for f in t.foreign_keys if len(f.columns) == 4]
    assert four and four[0].ref_table == "section"
    assert len([c for t in s for c in t.checks]) == 10
    sem = [c for c in s.table("section").checks if "semester" in c.columns][0]
    assert sem.expression.find(exp.In) is not None
    assert s.table("course").foreign_keys[0].on_delete == "SET NULL"
    h = corpus("spider_hospital_1.sqlite.sql")
    room = h.table("Room")
    comp = [f for f in room.foreign_keys if len(f.columns) == 2]
    assert comp and comp[0].ref_table == "Block"
    assert len(h.table("Undergoes").primary_key) >= 4
    assert h.table("Affiliated_With").column("PrimaryAffiliation").type.kind == Kind.BOOL
    d = corpus("spider_department_store.sqlite.sql")
    assert d.table("Addresses").column("address_id").identity
    assert d.table("Products").column("product_price").type.precision == 19


def test_northwind_reference_without_columns_and_alter_only():
    s = corpus("northwind.postgres.sql")
    emp = s.table("employees")
    assert [(f.columns, f.ref_table, f.ref_columns) for f in emp.foreign_keys] == \
        [(("reports_to",), "employees", ("employee_id",))]
    assert s.table("order_details").primary_key == ("order_id", "product_id")
    assert emp.column("photo").type.kind == Kind.BYTES
    assert s.table("products").column("unit_price").type.kind == Kind.FLOAT
    m = corpus("northwind.mysql.sql")
    t = m.table("northwind.orders")
    assert t.schema == "northwind" and t.name == "orders"
    assert t.column("id").identity
    assert m.table("employee_privileges").primary_key == ("employee_id", "privilege_id")


def test_employees_mysql():
    s = corpus("employees.mysql.sql")
    g = s.table("employees").column("gender").type
    assert g.kind == Kind.ENUM and g.values == ("M", "F")
    assert s.table("departments").uniques == [("dept_name",)]
    assert s.table("titles").primary_key == ("emp_no", "title", "from_date")
    assert s.table("dept_emp").foreign_keys[0].on_delete == "CASCADE"


# ---------------------------------------------------------------------------
# small inputs: every construct in isolation
# ---------------------------------------------------------------------------

def test_inline_and_table_constraints_postgres():
    s = parse_ddl("""
        CREATE TABLE a (id serial PRIMARY KEY, code char(3) UNIQUE, n numeric(6,2) CHECK (n >= 0));
        CREATE TABLE b (
            id bigint GENERATED ALWAYS AS IDENTITY,
            a_id int NOT NULL REFERENCES a,
            x int, y int,
            PRIMARY KEY (id),
            UNIQUE (x, y),
            CONSTRAINT xy CHECK (x < y)
        );
        CREATE UNIQUE INDEX b_ax ON b (a_id, x);
    """, "postgres")
    a, b = s.table("a"), s.table("b")
    assert a.column("id").identity and a.column("id").type.bits == 32
    assert a.uniques == [("code",)] and a.column("code").type.fixed and a.column("code").type.length == 3
    assert a.checks[0].columns == ("n",)
    assert b.column("id").identity and b.column("id").type.bits == 64
    assert b.foreign_keys[0].ref_table == "a" and b.foreign_keys[0].ref_columns == ("id",)
    assert b.uniques == [("x", "y"), ("a_id", "x")]
    xy = b.checks[0]
    assert xy.name == "xy" and xy.columns == ("x", "y") and isinstance(xy.expression, exp.LT)


def test_check_columns_use_the_table_spelling():
    s = parse_ddl('CREATE TABLE T ("Price" int, CHECK (price > 0))', "mysql")
    assert s.table("t").checks[0].columns == ("Price",)


def test_fk_to_later_table_and_alter_only():
    s = parse_ddl("""
        CREATE TABLE child (id int PRIMARY KEY, p int);
        CREATE TABLE parent (id int);
        ALTER TABLE ONLY parent ADD CONSTRAINT parent_pkey PRIMARY KEY (id);
        ALTER TABLE ONLY child ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES parent ON DELETE CASCADE;
    """, "postgres")
    fk = s.table("child").foreign_keys[0]
    assert (fk.ref_table, fk.ref_columns, fk.name, fk.on_delete) == ("parent", ("id",), "fk", "CASCADE")


def test_keys_are_unique_for_same_name_in_two_schemas():
    s = parse_ddl("CREATE TABLE a.t (id int primary key); CREATE TABLE b.t (id int, x int REFERENCES a.t(id));",
                  "postgres")
    assert list(s.tables) == ["t", "b_t"]
    assert s.tables["b_t"].foreign_keys[0].ref_table == "t"


def test_tsql_go_batches_identity_computed_and_alias_types():
    s = parse_ddl(
        "CREATE TYPE [Name] FROM nvarchar(50) NULL\nGO\n"
        "CREATE TYPE [Flag] FROM bit NOT NULL\nGO\n"
        "CREATE TABLE [dbo].[T](\n"
        "  [ID] [int] IDENTITY (1, 1) NOT FOR REPLICATION NOT NULL,\n"
        "  [N] [Name] NOT NULL,\n  [F] [Flag],\n  [Q] int, [P] money,\n"
        "  [Total] AS ISNULL([Q] * [P], 0) PERSISTED NOT NULL\n) ON [PRIMARY]\nGO\n"
        "ALTER TABLE [dbo].[T] WITH CHECK ADD CONSTRAINT [PK_T] PRIMARY KEY CLUSTERED ([ID]) ON [PRIMARY]\nGO\n",
        "tsql")
    t = s.table("dbo.T")
    assert t.primary_key == ("ID",) and t.column("ID").identity
    assert t.column("N").type.length == 50 and not t.column("N").nullable
    assert t.column("F").type.kind == Kind.BOOL and not t.column("F").nullable
    total = t.column("Total")
    assert total.is_generated and "ISNULL" in total.generated_sql.upper()
    assert not total.nullable
    # no type is written for a computed column: inferred from the expression (MONEY * INT)
    assert total.type.kind == Kind.DECIMAL and total.type.raw == ""
    assert [c.name for c in t.generated_columns] == ["ID", "N", "F", "Q", "P"]


def test_tsql_two_alters_in_one_batch():
    s = parse_ddl(
        "CREATE TABLE [A] ([id] int NOT NULL)\nGO\nCREATE TABLE [B] ([id] int NOT NULL, [a] int)\nGO\n"
        "ALTER TABLE [A] ADD CONSTRAINT [PK_A] PRIMARY KEY CLUSTERED ([id])\n"
        "ALTER TABLE [B] ADD CONSTRAINT [FK_B_A] FOREIGN KEY ([a]) REFERENCES [A] ([id])\nGO\n", "tsql")
    assert s.table("A").primary_key == ("id",)
    assert s.table("B").foreign_keys[0].ref_table == "A"


def test_mysql_versioned_comments_and_terminator_line():
    s = parse_ddl(
        "CREATE TABLE t (\n  id INT UNSIGNED NOT NULL AUTO_INCREMENT,\n"
        "  /*!50705 loc GEOMETRY */ /*!80003 SRID 0 */ /*!50705 NOT NULL,*/\n"
        "  kind ENUM('a','b') NOT NULL DEFAULT 'a',\n  y YEAR,\n  m MEDIUMINT,\n  s SET('x','y'),\n"
        "  PRIMARY KEY (id), UNIQUE KEY (kind, y)\n) ENGINE=InnoDB\n;\n", "mysql")
    t = s.table("t")
    assert t.column("loc").type.kind == Kind.GEOMETRY and not t.column("loc").nullable
    assert t.column("id").identity and t.column("id").type.unsigned
    assert t.column("m").type.bits == 24
    assert t.column("s").type.kind == Kind.SET
    assert t.uniques == [("kind", "y")]
    assert t.column("kind").default == "'a'"


def test_oracle_sqlplus_leftovers_and_named_not_null():
    s = parse_ddl("rem a comment line\nprompt creating\nCREATE TABLE t (\n  id NUMBER(9) CONSTRAINT t_nn NOT NULL,\n"
                  "  v VARCHAR2(10 CHAR), c CLOB\n)\n/\n", "oracle")
    t = s.table("t")
    assert not t.column("id").nullable and t.column("id").type.kind == Kind.INT
    assert t.column("v").type.length == 10
    assert t.column("c").type.kind == Kind.STRING


def test_type_mapping_postgres():
    s = parse_ddl("""CREATE TABLE t (
        a text[], b jsonb, c uuid, d bytea, e interval, f timestamptz, g timestamp, h time,
        i real, j double precision, k boolean, l smallint, m money, n varchar(7), o date, p xml, q inet
    );""", "postgres")
    t = s.table("t")
    kinds = {c.name: c.type.kind for c in t.columns}
    assert kinds == {"a": Kind.ARRAY, "b": Kind.JSON, "c": Kind.UUID, "d": Kind.BYTES, "e": Kind.INTERVAL,
                     "f": Kind.TIMESTAMPTZ, "g": Kind.TIMESTAMP, "h": Kind.TIME, "i": Kind.FLOAT,
                     "j": Kind.FLOAT, "k": Kind.BOOL, "l": Kind.INT, "m": Kind.DECIMAL, "n": Kind.STRING,
                     "o": Kind.DATE, "p": Kind.OTHER, "q": Kind.STRING}
    assert t.column("i").type.bits == 32 and t.column("j").type.bits == 64
    assert t.column("n").type.length == 7
    assert (t.column("m").type.precision, t.column("m").type.scale) == (19, 4)


def test_type_mapping_tsql():
    s = parse_ddl("CREATE TABLE t (a bit, b tinyint, c smallmoney, d datetimeoffset, e datetime2(7), "
                  "f smalldatetime, g uniqueidentifier, h image, i varbinary(max), j nvarchar(max), "
                  "k hierarchyid, l geography, m xml, n float, o sysname)", "tsql")
    t = s.table("t")
    assert t.column("a").type.kind == Kind.BOOL
    assert t.column("b").type.int_range() == (0, 255)
    assert (t.column("c").type.precision, t.column("c").type.scale) == (10, 4)
    assert t.column("d").type.kind == Kind.TIMESTAMPTZ
    assert t.column("e").type.kind == Kind.TIMESTAMP and t.column("f").type.kind == Kind.TIMESTAMP
    assert t.column("g").type.kind == Kind.UUID
    assert t.column("h").type.kind == Kind.BYTES and t.column("i").type.kind == Kind.BYTES
    assert t.column("j").type.kind == Kind.STRING and t.column("j").type.length is None
    assert t.column("k").type.kind == Kind.OTHER and t.column("k").type.raw.lower() == "hierarchyid"
    assert t.column("l").type.kind == Kind.GEOMETRY
    assert t.column("n").type.bits == 64
    assert t.column("o").type.length == 128


def test_partition_of_and_list_of_fks():
    s = parse_ddl("""
        CREATE TABLE c (id int PRIMARY KEY);
        CREATE TABLE m (d date NOT NULL, cid int, v int) PARTITION BY RANGE (d);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
        CREATE TABLE m2 (d date NOT NULL, cid int REFERENCES c(id), v int);
        ALTER TABLE ONLY m ATTACH PARTITION m2 FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
    """, "postgres")
    m, m1, m2 = s.table("m"), s.table("m1"), s.table("m2")
    assert m1.partition_of == "m" and m2.partition_of == "m"
    assert m1.column_names == ["d", "cid", "v"]
    b = [c for c in m.checks if c.name == "partition_bounds"][0]
    assert b.sql.count(" OR ") == 1 and "2024-03-01" in b.sql
    assert [(f.columns, f.ref_table) for f in m.foreign_keys] == [(("cid",), "c")]


def test_sqlite_integer_primary_key_is_rowid():
    s = parse_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, n INT); CREATE TABLE u (id INT PRIMARY KEY);", "sqlite")
    assert s.table("t").column("id").identity


# ---------------------------------------------------------------------------
# notes: skipped and broken statements
# ---------------------------------------------------------------------------

def test_non_schema_statements_become_info_notes():
    s = parse_ddl("""SET NAMES utf8;
DROP TABLE IF EXISTS t;
CREATE TABLE t (id int primary key);
INSERT INTO t VALUES (1);
CREATE VIEW v AS SELECT * FROM t;
CREATE INDEX ix ON t (id);
GRANT SELECT ON t TO bob;
""", "mysql")
    assert len(s) == 1
    infos = [n for n in s.notes if n.level == NoteLevel.INFO]
    assert len(infos) == 6
    assert all("skipped" in n.message for n in infos)
    assert [n.line for n in infos] == [1, 2, 4, 5, 6, 7]


def test_unparseable_statement_is_an_error_note_and_the_rest_works():
    s = parse_ddl("CREATE TABLE a (id int primary key);\n\nCREATE TABLE b (id int, x varchar(10);\n"
                  "CREATE TABLE c (id int references a(id));\n", "postgres")
    assert list(s.tables) == ["a", "c"]
    errs = [n for n in s.notes if n.level == NoteLevel.ERROR]
    assert len(errs) == 1 and errs[0].line == 3 and errs[0].statement.startswith("CREATE TABLE b")


def test_unknown_type_is_a_warning_and_text():
    s = parse_ddl("CREATE TABLE t (id int, x frobnicator)", "postgres")
    assert s.table("t").column("x").type.kind == Kind.STRING
    w = [n for n in s.notes if n.level == NoteLevel.WARNING]
    assert len(w) == 1 and w[0].column == "x" and "frobnicator" in w[0].message


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   \n\t  \n"])
def test_empty_input(text):
    with pytest.raises(DDLError, match="empty"):
        parse_ddl(text)


def test_binary_input():
    with pytest.raises(DDLError, match="binary"):
        parse_ddl("CREATE TABLE t (id int);\x00\x01")
    with pytest.raises(DDLError, match="binary|UTF-8"):
        parse_ddl(b"\x89PNG\r\n\x1a\n\xff\xfe\xfd")
    with pytest.raises(DDLError, match="binary"):
        parse_ddl(b"PK\x03\x04\x00\x00")


def test_bytes_input_is_decoded():
    s = parse_ddl("\ufeffCREATE TABLE t (id int);".encode("utf-8"), "postgres")
    assert s.table("t").column_names == ["id"]


def test_not_sql():
    with pytest.raises(DDLError, match="not SQL"):
        parse_ddl("Dear team, please find the report attached. Thanks!")


def test_only_comments():
    with pytest.raises(DDLError, match="no SQL statement"):
        parse_ddl("-- CREATE TABLE t (id int);\n/* nothing here */\n", "postgres")


def test_no_create_table():
    with pytest.raises(DDLError, match="no CREATE TABLE"):
        parse_ddl("CREATE INDEX ix ON t (a);\nDROP TABLE x;", "postgres")


def test_fk_to_missing_table():
    with pytest.raises(DDLError, match="'ghost'") as e:
        parse_ddl("CREATE TABLE t (id int primary key);\n\nCREATE TABLE u (g int REFERENCES ghost(id));", "postgres")
    assert e.value.line == 3 and e.value.table == "u" and e.value.column == "g"


def test_fk_to_missing_column():
    with pytest.raises(DDLError, match="t.nope") as e:
        parse_ddl("CREATE TABLE t (id int primary key);\nCREATE TABLE u (g int,\n"
                  " FOREIGN KEY (g) REFERENCES t(nope));", "postgres")
    assert e.value.line == 2 and e.value.table == "u" and e.value.column == "nope"


def test_fk_from_missing_column():
    with pytest.raises(DDLError, match="'zz'") as e:
        parse_ddl("CREATE TABLE t (id int primary key);\nCREATE TABLE u (g int);\n"
                  "ALTER TABLE u ADD CONSTRAINT f FOREIGN KEY (zz) REFERENCES t(id);", "postgres")
    assert e.value.line == 3 and e.value.column == "zz"


def test_unknown_dialect():
    with pytest.raises(DDLError, match="unknown SQL dialect"):
        parse_ddl("CREATE TABLE t (id int)", "cobol")
