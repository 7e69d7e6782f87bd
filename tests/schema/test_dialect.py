"""detect_dialect on the corpus and on short snippets."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthtalk_jupyter.errors import DDLError
from synthtalk_jupyter.schema import detect_dialect
from synthtalk_jupyter.schema.dialect import dialect_scores, normalize_dialect

CORPUS = Path("/work/shared/ddl-corpus")

# ANSI files have no dialect of their own: postgres reads them (DB2 RI statements included)
FILE_DIALECT = {
    "chinook.sqlite.sql": "sqlite",
    "chinook.postgres.sql": "postgres",
    "chinook.mysql.sql": "mysql",
    "chinook.sqlserver.sql": "tsql",
    "northwind.postgres.sql": "postgres",
    "northwind.mysql.sql": "mysql",
    "sakila.mysql.sql": "mysql",
    "pagila.postgres.sql": "postgres",
    "pagila_pg18.postgres.sql": "postgres",
    "tpch.ansi.sql": "postgres",
    "tpcds.ansi.sql": "postgres",
    "employees.mysql.sql": "mysql",
    "hr.oracle.sql": "oracle",
    "customer_orders.oracle.sql": "oracle",
    "adventureworks.sqlserver.sql": "tsql",
    "adventureworksdw.sqlserver.sql": "tsql",
    "spider_college_2.sqlite.sql": "sqlite",
    "spider_hospital_1.sqlite.sql": "sqlite",
    "spider_department_store.sqlite.sql": "sqlite",
}


def test_every_corpus_file_is_listed():
    assert sorted(p.name for p in CORPUS.glob("*.sql")) == sorted(FILE_DIALECT)


@pytest.mark.parametrize("name", sorted(FILE_DIALECT))
def test_detect_corpus(name):
    text = (CORPUS / name).read_text(encoding="utf-8")
    assert detect_dialect(text) == FILE_DIALECT[name]


@pytest.mark.parametrize("snippet, dialect", [
    ("CREATE TABLE [dbo].[T] ([id] int IDENTITY(1,1) NOT NULL)\nGO\n", "tsql"),
    ("CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;", "mysql"),
    ("CREATE TABLE t (id serial PRIMARY KEY, tags text[], d jsonb);", "postgres"),
    ("CREATE TABLE t (id NUMBER(10) PRIMARY KEY, name VARCHAR2(40));", "oracle"),
    ("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT);", "sqlite"),
    ("CREATE TABLE t (id UBIGINT PRIMARY KEY, h HUGEINT);", "duckdb"),
    ("CREATE TABLE `t` (`id` INT NOT NULL, PRIMARY KEY (`id`));", "mysql"),
])
def test_detect_snippets(snippet, dialect):
    assert detect_dialect(snippet) == dialect


def test_signals_ignore_comments_and_strings():
    text = "-- ENGINE=InnoDB AUTO_INCREMENT VARCHAR2\nCREATE TABLE t (id serial, note text DEFAULT 'GO');"
    scores = dialect_scores(text)
    assert scores["mysql"] == 0 and scores["oracle"] == 0 and scores["postgres"] > 0
    assert detect_dialect(text) == "postgres"


def test_generic_sql_defaults_to_a_reader_that_parses_it():
    assert detect_dialect("CREATE TABLE t (a INTEGER NOT NULL, b VARCHAR(10));") == "postgres"
    # backticks: postgres cannot tokenize them, sqlite can
    assert detect_dialect("create table t (a int, b int references `u` (a));") == "sqlite"


def test_normalize_dialect():
    assert normalize_dialect("PostgreSQL") == "postgres"
    assert normalize_dialect("mssql") == "tsql"
    assert normalize_dialect("MariaDB") == "mysql"
    assert normalize_dialect("duckdb") == "duckdb"
    assert normalize_dialect("ansi") == "postgres"
    with pytest.raises(DDLError, match="unknown SQL dialect"):
        normalize_dialect("klingon")
