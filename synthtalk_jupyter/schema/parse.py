"""DDL script -> :class:`Schema`.

sqlglot does all the parsing. This module only

* splits a script into statements with sqlglot's tokenizer (``;``, T-SQL ``GO``
  lines, statements run together without a terminator),
* rewrites, token- or regex-locally, the few constructs sqlglot lacks
  (MySQL versioned comments, ``CREATE DOMAIN``, T-SQL alias types,
  ``ATTACH PARTITION``, DB2 ``ADD FOREIGN KEY name (...)``, ...) into a form
  sqlglot parses,
* walks the resulting expressions into the schema model.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from ..errors import DDLError
from .model import Check, Column, ColumnType, ForeignKey, Kind, Note, NoteLevel, Schema, Table

DType = exp.DataType.Type

# ---------------------------------------------------------------------------
# input checks and light, length-preserving preprocessing
# ---------------------------------------------------------------------------

_GO_LINE = re.compile(r"^([ \t]*)(GO)([ \t]*\d*[ \t]*;?[ \t]*)(\r?)$", re.M | re.I)
_MYSQL_VERSIONED = re.compile(r"/\*!(\d{5,6})?(.*?)\*/", re.S)
_SQLPLUS_SLASH = re.compile(r"^([ \t]*)/([ \t]*)(\r?)$", re.M)
_SQLPLUS_LINE = re.compile(r"^[ \t]*(?:rem|remark|prompt|spool|whenever|define|undefine|@@?)\b[^\n]*", re.M | re.I)


def _decode(text: str | bytes) -> str:
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        if b"\x00" in raw:
            raise DDLError("the input is binary (it contains NUL bytes), not a SQL text file")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise DDLError(f"the input is not UTF-8 text (undecodable byte at offset {e.start}); "
                           "is it a binary file?") from None
    if not isinstance(text, str):
        raise DDLError(f"DDL must be text, got {type(text).__name__}")
    if "\x00" in text:
        raise DDLError("the input is binary (it contains NUL characters), not a SQL text file")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise DDLError("the DDL is empty: paste or upload CREATE TABLE statements")
    return text


def _blank(s: str) -> str:
    """Same length, same line breaks, nothing else."""
    return re.sub(r"[^\r\n]", " ", s)


def preprocess(text: str, dialect: str) -> str:
    """Length-preserving rewrites so token offsets and line numbers stay those of the input."""
    # T-SQL batch separator: a line holding only GO
    text = _GO_LINE.sub(lambda m: m.group(1) + "; " + _blank(m.group(3)) + m.group(4), text)
    if dialect == "mysql" or "/*!" in text:
        # MySQL executes the content of versioned comments: unwrap them
        text = _MYSQL_VERSIONED.sub(
            lambda m: " " * (3 + len(m.group(1) or "")) + m.group(2) + "  ", text)
    if dialect == "oracle":
        text = _SQLPLUS_SLASH.sub(lambda m: m.group(1) + ";" + m.group(2) + m.group(3), text)
        text = _SQLPLUS_LINE.sub(lambda m: _blank(m.group(0)), text)
    return text


# ---------------------------------------------------------------------------
# statement splitting (token based)
# ---------------------------------------------------------------------------

@dataclass
class Statement:
    line: int
    start: int
    end: int  # inclusive offset of the last character
    tokens: list[Token] = field(default_factory=list)
    error: str | None = None  # tokenizer error for this piece

    def text(self, src: str) -> str:
        return src[self.start:self.end + 1]


_STATEMENT_START = {TokenType.CREATE, TokenType.ALTER, TokenType.DROP, TokenType.INSERT,
                    TokenType.UPDATE, TokenType.DELETE, TokenType.SET, TokenType.USE,
                    TokenType.GRANT, TokenType.COMMENT, TokenType.TRUNCATE}


def _chunks(tokens: list[Token]) -> list[list[Token]]:
    out: list[list[Token]] = []
    cur: list[Token] = []
    for t in tokens:
        if t.token_type == TokenType.SEMICOLON:
            if cur:
                out.append(cur)
                cur = []
            continue
        cur.append(t)
    if cur:
        out.append(cur)
    return out


def split_statements(text: str, dialect: str) -> list[Statement]:
    """Split a (preprocessed) script at ``;`` tokens. Line numbers come from the tokens."""
    d = Dialect.get_or_raise(dialect)
    try:
        tokens = d.tokenize(text)
        return [Statement(c[0].line, c[0].start, c[-1].end, c) for c in _chunks(tokens)]
    except TokenError:
        pass
    # an unterminated string or comment somewhere: tokenize piece by piece, pieces
    # ending at a line that ends with ';', so one broken statement does not hide the rest
    out: list[Statement] = []
    pos, line = 0, 1
    for m in re.finditer(r";[ \t]*\r?(?:\n|$)", text):
        piece_end = m.end()
        piece = text[pos:piece_end]
        _tokenize_piece(d, text, piece, pos, line, out)
        line += piece.count("\n")
        pos = piece_end
    if pos < len(text):
        _tokenize_piece(d, text, text[pos:], pos, line, out)
    return out


def _tokenize_piece(d: Dialect, full: str, piece: str, offset: int, line: int, out: list[Statement]) -> None:
    if not piece.strip():
        return
    try:
        toks = d.tokenize(piece)
    except TokenError as e:
        lead = len(piece) - len(piece.lstrip())
        first_line = line + piece[:lead].count("\n")
        out.append(Statement(first_line, offset + lead, offset + len(piece.rstrip()) - 1,
                             error=f"cannot tokenize: {e}"))
        return
    for c in _chunks(toks):
        for t in c:  # make offsets / lines absolute
            t.start += offset
            t.end += offset
            t.line += line - 1
        out.append(Statement(c[0].line, c[0].start, c[-1].end, c))


# ---------------------------------------------------------------------------
# parsing one statement, with rewrites for what sqlglot lacks
# ---------------------------------------------------------------------------

class _Quiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:  # sqlglot's "falling back to Command"
        return "unsupported syntax" not in record.getMessage()


@contextlib.contextmanager
def _quiet_sqlglot():
    logger = logging.getLogger("sqlglot")
    f = _Quiet()
    logger.addFilter(f)
    try:
        yield
    finally:
        logger.removeFilter(f)


_NAME = r'(?:"[^"]+"|\[[^\]]+\]|`[^`]+`|[\w$#]+)(?:\s*\.\s*(?:"[^"]+"|\[[^\]]+\]|`[^`]+`|[\w$#]+))*'
_DOMAIN = re.compile(rf"^\s*CREATE\s+DOMAIN\s+({_NAME})\s+(?:AS\s+)?(.*)$", re.S | re.I)
_ALIAS_TYPE = re.compile(rf"^\s*CREATE\s+TYPE\s+({_NAME})\s+FROM\s+(.*)$", re.S | re.I)
_ATTACH = re.compile(
    rf"^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?({_NAME})\s+ATTACH\s+PARTITION\s+({_NAME})\s+(.*)$",
    re.S | re.I)

# (pattern, replacement): constructs sqlglot rejects, rewritten locally
_REWRITES: list[tuple[re.Pattern, str]] = [
    # DB2: ADD FOREIGN KEY name (cols)  ->  ADD CONSTRAINT name FOREIGN KEY (cols)
    (re.compile(r"\bADD\s+FOREIGN\s+KEY\s+(?!\()(" + _NAME + r")\s*\(", re.I), r"ADD CONSTRAINT \1 FOREIGN KEY ("),
    (re.compile(r"\bADD\s+PRIMARY\s+KEY\s+(?!\()(" + _NAME + r")\s*\(", re.I), r"ADD CONSTRAINT \1 PRIMARY KEY ("),
    # PG 18 virtual generated columns (sqlglot knows the stored form without keyword)
    (re.compile(r"\)\s*VIRTUAL\b", re.I), ")"),
    # Oracle index-organized tables
    (re.compile(r"\bORGANIZATION\s+(?:INDEX|HEAP|EXTERNAL)\b", re.I), ""),
    # MySQL 8 SRID attribute (from an unwrapped versioned comment)
    (re.compile(r"\bSRID\s+\d+", re.I), ""),
    # T-SQL: TEXTIMAGE_ON filegroup; "UNIQUE CONSTRAINT [DF] DEFAULT (x)" -> "CONSTRAINT [DF] DEFAULT (x) UNIQUE"
    (re.compile(r"\bTEXTIMAGE_ON\s+(?:\[[^\]]+\]|\w+)", re.I), ""),
    (re.compile(r"\bUNIQUE\s+(CONSTRAINT\s+" + _NAME + r"\s+DEFAULT\s+(?:\((?:[^()]|\([^()]*\))*\)|[^\s,()]+))",
                re.I), r"\1 UNIQUE"),
    # T-SQL ROWGUIDCOL, typed XML columns
    (re.compile(r"\bROWGUIDCOL\b", re.I), ""),
    (re.compile(r"(\[?\bXML\b\]?)\s*\(\s*(?:(?:CONTENT|DOCUMENT)\s+)?" + _NAME + r"\s*\)", re.I), r"\1"),
]


@dataclass
class Parsed:
    kind: str  # "stmt" | "domain" | "alias_type" | "attach"
    expression: exp.Expression
    line: int
    statement: str


def _first_line(s: str, limit: int = 120) -> str:
    s = s.strip()
    first = s.splitlines()[0] if s else ""
    if len(first) > limit:
        first = first[:limit - 1] + "…"
    return first


def _sql_parse(sql: str, dialect: str) -> list[exp.Expression]:
    with _quiet_sqlglot():
        return [e for e in sqlglot.parse(sql, read=dialect) if e is not None]


def _special(sql: str, dialect: str) -> tuple[str, list[exp.Expression]] | None:
    """Statements sqlglot has no grammar for, rewritten into one it has."""
    m = _DOMAIN.match(sql)
    if m:
        return "domain", _sql_parse(f'CREATE TABLE {m.group(1)} ("VALUE" {m.group(2)})', dialect)
    m = _ALIAS_TYPE.match(sql)
    if m:
        return "alias_type", _sql_parse(f"CREATE TABLE {m.group(1)} (VALUE {m.group(2)})", dialect)
    m = _ATTACH.match(sql)
    if m:
        return "attach", _sql_parse(f"CREATE TABLE {m.group(2)} PARTITION OF {m.group(1)} {m.group(3)}", dialect)
    return None


def _rewrite(sql: str) -> str:
    for pat, rep in _REWRITES:
        sql = pat.sub(rep, sql)
    return sql


def _is_schema_command(e: exp.Expression) -> bool:
    """sqlglot fell back to a Command for a statement we need."""
    if not isinstance(e, exp.Command):
        return False
    return bool(re.match(r"\s*(CREATE\s+(TABLE|DOMAIN|TYPE|UNIQUE)|ALTER\s+TABLE)", _command_head(e).upper()))


def _command_head(e: exp.Command) -> str:
    rest = e.expression
    if isinstance(rest, exp.Literal):
        rest = rest.this
    return f"{e.this} {rest if isinstance(rest, str) else ''}".strip()


def parse_statement(stmt: Statement, src: str, dialect: str) -> tuple[list[Parsed], list[Note]]:
    """Parse one statement; rewrites on failure; split at statement keywords as a last resort."""
    sql = stmt.text(src)
    first = _first_line(sql)
    if stmt.error:
        return [], [Note(NoteLevel.ERROR, stmt.error, line=stmt.line, statement=first)]
    special = None
    try:
        special = _special(sql, dialect)
    except (ParseError, TokenError):
        special = None
    if special and special[1]:
        return [Parsed(special[0], e, stmt.line, first) for e in special[1]], []

    error: Exception | None = None
    try:
        with _quiet_sqlglot():
            exprs = [e for e in Dialect.get_or_raise(dialect).parser().parse(stmt.tokens, src) if e is not None]
        if not any(_is_schema_command(e) for e in exprs):
            return [Parsed("stmt", e, stmt.line, first) for e in exprs], []
    except (ParseError, TokenError) as e:
        error = e
    # second try: local rewrites of unsupported constructs
    rewritten = _rewrite(sql)
    if rewritten != sql:
        try:
            exprs = _sql_parse(rewritten, dialect)
            if not any(_is_schema_command(e) for e in exprs):
                return [Parsed("stmt", e, stmt.line, first) for e in exprs], []
        except (ParseError, TokenError) as e:
            error = error or e
    # third try: several statements run together without a terminator
    parts = _split_at_keywords(stmt.tokens)
    if len(parts) > 1:
        out: list[Parsed] = []
        notes: list[Note] = []
        for p in parts:
            sub = Statement(p[0].line, p[0].start, p[-1].end, p)
            got, n = parse_statement(sub, src, dialect)
            out += got
            notes += n
        return out, notes
    if error is None:  # parsed, but only as an opaque command
        return [Parsed("stmt", e, stmt.line, first) for e in exprs], []
    msg = str(error).splitlines()[0] if str(error) else type(error).__name__
    return [], [Note(NoteLevel.ERROR, f"cannot parse this statement: {msg}", line=stmt.line, statement=first)]


def _split_at_keywords(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = []
    cur: list[Token] = []
    depth = 0
    for t in tokens:
        if t.token_type == TokenType.L_PAREN:
            depth += 1
        elif t.token_type == TokenType.R_PAREN:
            depth -= 1
        if depth == 0 and cur and t.token_type in _STATEMENT_START and t.token_type != TokenType.SET:
            parts.append(cur)
            cur = []
        cur.append(t)
    if cur:
        parts.append(cur)
    return parts


# ---------------------------------------------------------------------------
# types
# ---------------------------------------------------------------------------

def _types(*names: str) -> set:
    """DataType.Type members by name (those this sqlglot version has)."""
    return {getattr(DType, n) for n in names if hasattr(DType, n)}


_INT_BITS = {
    DType.TINYINT: (8, False), DType.UTINYINT: (8, True),
    DType.SMALLINT: (16, False), DType.USMALLINT: (16, True),
    DType.MEDIUMINT: (24, False), DType.UMEDIUMINT: (24, True),
    DType.INT: (32, False), DType.UINT: (32, True),
    DType.BIGINT: (64, False), DType.UBIGINT: (64, True),
    DType.SERIAL: (32, False), DType.SMALLSERIAL: (16, False), DType.BIGSERIAL: (64, False),
}
_DECIMALS = _types("DECIMAL", "BIGDECIMAL", "NUMBER", "UDECIMAL", "DECIMAL32", "DECIMAL64", "DECIMAL128")
_ENUMS = _types("ENUM", "ENUM8", "ENUM16", "SET")
_SERIALS = {DType.SERIAL, DType.SMALLSERIAL, DType.BIGSERIAL}



_STRINGS = _types("CHAR", "NCHAR", "VARCHAR", "NVARCHAR", "TEXT", "BPCHAR", "TINYTEXT", "MEDIUMTEXT",
                  "LONGTEXT", "NAME", "CITEXT")
_FIXED = _types("CHAR", "NCHAR", "BPCHAR")
_TEXT_LEN = {DType.TINYTEXT: 255}
_BYTES = _types("BINARY", "VARBINARY", "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "IMAGE")
_SIMPLE = {
    DType.BOOLEAN: Kind.BOOL, DType.DATE: Kind.DATE, DType.DATE32: Kind.DATE,
    DType.TIME: Kind.TIME, DType.TIMETZ: Kind.TIME,
    DType.DATETIME: Kind.TIMESTAMP, DType.DATETIME2: Kind.TIMESTAMP, DType.SMALLDATETIME: Kind.TIMESTAMP,
    DType.TIMESTAMP: Kind.TIMESTAMP, DType.TIMESTAMPNTZ: Kind.TIMESTAMP, DType.DATETIME64: Kind.TIMESTAMP,
    DType.TIMESTAMPTZ: Kind.TIMESTAMPTZ, DType.TIMESTAMPLTZ: Kind.TIMESTAMPTZ,
    DType.INTERVAL: Kind.INTERVAL, DType.UUID: Kind.UUID, DType.JSON: Kind.JSON, DType.JSONB: Kind.JSON,
    DType.GEOMETRY: Kind.GEOMETRY, DType.GEOGRAPHY: Kind.GEOMETRY,
    DType.XML: Kind.OTHER, DType.HSTORE: Kind.OTHER, DType.INET: Kind.STRING,
}
for _n in ("POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
           "GEOMETRYCOLLECTION", "RING", "GEOGRAPHYPOINT"):
    if hasattr(DType, _n):
        _SIMPLE[getattr(DType, _n)] = Kind.GEOMETRY
for _n in ("TSVECTOR", "HIERARCHYID", "VARIANT", "SUPER", "OBJECT", "CIDR", "MACADDR"):
    if hasattr(DType, _n):
        _SIMPLE.setdefault(getattr(DType, _n), Kind.OTHER)

# user-defined names sqlglot leaves as USERDEFINED: name -> (kind, length)
_NAMED: dict[str, tuple[Kind, int | None]] = {
    "sysname": (Kind.STRING, 128), "hierarchyid": (Kind.OTHER, None), "tsvector": (Kind.OTHER, None),
    "tsquery": (Kind.OTHER, None), "vector": (Kind.OTHER, None), "halfvec": (Kind.OTHER, None),
    "citext": (Kind.STRING, None), "sql_variant": (Kind.OTHER, None), "rowversion": (Kind.BYTES, 8),
    "geometry": (Kind.GEOMETRY, None), "geography": (Kind.GEOMETRY, None), "point": (Kind.GEOMETRY, None),
    "clob": (Kind.STRING, None), "nclob": (Kind.STRING, None), "long": (Kind.STRING, None),
    "raw": (Kind.BYTES, None), "bfile": (Kind.BYTES, None), "urowid": (Kind.STRING, None),
    "inet": (Kind.STRING, 45), "cidr": (Kind.STRING, 43), "macaddr": (Kind.STRING, 17),
    "xml": (Kind.OTHER, None), "ltree": (Kind.STRING, None), "graphic": (Kind.STRING, None),
    "vargraphic": (Kind.STRING, None), "dbclob": (Kind.STRING, None),
}


def _params(dt: exp.DataType) -> list[exp.Expression]:
    out = []
    for p in dt.expressions:
        out.append(p.this if isinstance(p, exp.DataTypeParam) else p)
    return out


def _int_param(p: exp.Expression | None) -> int | None:
    if isinstance(p, exp.Literal) and not p.is_string:
        try:
            return int(p.this)
        except ValueError:
            return None
    if isinstance(p, exp.Neg) and isinstance(p.this, exp.Literal):
        v = _int_param(p.this)
        return -v if v is not None else None
    return None


def _udt_name(dt: exp.DataType) -> str:
    k = dt.args.get("kind")
    if isinstance(k, exp.Dot):
        parts = [p.name for p in k.flatten()] if hasattr(k, "flatten") else [k.name]
        return ".".join(parts)
    if isinstance(k, exp.Expression):
        return k.name
    return str(k or "")


def _udt_last(dt: exp.DataType) -> str:
    k = dt.args.get("kind")
    if isinstance(k, exp.Dot):
        return k.expression.name
    if isinstance(k, exp.Expression):
        return k.name
    return str(k or "").rsplit(".", 1)[-1]


def map_type(dt: exp.DataType | None, dialect: str) -> tuple[ColumnType, str | None]:
    """Built-in type -> ColumnType. Returns (type, warning or None). Not for user-defined names."""
    if dt is None:
        return ColumnType(Kind.OTHER, raw="", sql=""), None
    t = dt.this
    sql = dt.sql(dialect=dialect)
    ct = ColumnType(Kind.STRING, raw=sql, sql=sql)
    params = _params(dt)
    p0 = params[0] if params else None
    if t in _INT_BITS:
        bits, unsigned = _INT_BITS[t]
        if dialect == "tsql" and t in (DType.TINYINT, DType.UTINYINT):
            unsigned = True  # T-SQL tinyint is 0..255
        ct.kind, ct.bits, ct.unsigned = Kind.INT, bits, unsigned
        return ct, None
    if t in _DECIMALS:
        p = _int_param(p0)
        s = _int_param(params[1]) if len(params) > 1 else None
        if dialect == "oracle" and p is not None and (s or 0) == 0 and p <= 18:
            ct.kind, ct.precision, ct.scale = Kind.INT, p, 0
            ct.bits = 16 if p <= 4 else 32 if p <= 9 else 64
            return ct, None
        if p is not None and s is None:
            s = 0  # DECIMAL(p) = DECIMAL(p, 0)
        ct.kind, ct.precision, ct.scale = Kind.DECIMAL, p, s
        return ct, None
    if t == DType.MONEY:
        ct.kind, ct.precision, ct.scale = Kind.DECIMAL, 19, 4
        return ct, None
    if t == DType.SMALLMONEY:
        ct.kind, ct.precision, ct.scale = Kind.DECIMAL, 10, 4
        return ct, None
    if t in (DType.FLOAT, DType.DOUBLE):
        bits = 64 if t == DType.DOUBLE else 32
        n = _int_param(p0)
        if n is not None:
            bits = 32 if n <= 24 else 64
        elif t == DType.FLOAT and dialect in ("tsql", "oracle"):
            bits = 64  # T-SQL/Oracle FLOAT without n is double precision
        ct.kind, ct.bits = Kind.FLOAT, bits
        return ct, None
    if t == DType.BIT:
        n = _int_param(p0)
        if n is None or n == 1:
            ct.kind = Kind.BOOL
        else:
            ct.kind, ct.bits, ct.unsigned = Kind.INT, 64 if n > 32 else 32 if n > 16 else 16 if n > 8 else 8, True
            ct.precision = None
        return ct, None
    if t in _STRINGS:
        ct.kind = Kind.STRING
        n = _int_param(p0)
        ct.length = n if n is not None else _TEXT_LEN.get(t)
        if t in _FIXED:
            ct.fixed = True
            if ct.length is None and t != DType.BPCHAR:
                ct.length = 1
        return ct, None
    if t in _BYTES:
        ct.kind = Kind.BYTES
        ct.length = _int_param(p0)
        if t == DType.BINARY:
            ct.fixed = True
            if ct.length is None:
                ct.length = 1
        return ct, None
    if t == DType.YEAR:
        ct.kind, ct.bits, ct.unsigned = Kind.INT, 16, True
        return ct, None
    if t in _ENUMS:
        vals = tuple(str(p.this) if isinstance(p, exp.Literal) else p.sql() for p in dt.expressions)
        ct.kind = Kind.SET if t == DType.SET else Kind.ENUM
        ct.values = vals
        return ct, None
    if t == DType.ARRAY:
        inner = dt.expressions[0] if dt.expressions else None
        el, w = map_type(inner if isinstance(inner, exp.DataType) else None, dialect)
        ct.kind, ct.element = Kind.ARRAY, el
        return ct, w
    if t == DType.VECTOR:
        ct.kind = Kind.OTHER
        ints = [_int_param(p) for p in params]
        ct.dimension = next((i for i in ints if i is not None), None)
        return ct, None
    if t in _SIMPLE:
        ct.kind = _SIMPLE[t]
        if dialect == "mysql" and t == DType.TIMESTAMPTZ:
            ct.kind = Kind.TIMESTAMP  # MySQL TIMESTAMP holds wall-clock values (1970..2038)
        return ct, None
    return ColumnType(Kind.STRING, raw=sql, sql=sql), f"unsupported column type {sql}: generated as text"


# ---------------------------------------------------------------------------
# the builder: expressions -> Schema
# ---------------------------------------------------------------------------

@dataclass
class _CustomType:
    """A PG domain / enum type or a T-SQL alias type."""

    name: str
    type: ColumnType
    not_null: bool = False
    default: str | None = None
    checks: list[tuple[str | None, exp.Expression]] = field(default_factory=list)


@dataclass
class _PendingFK:
    table: Table
    columns: tuple[str, ...]
    ref_name: str
    ref_schema: str | None
    ref_columns: tuple[str, ...]
    name: str | None
    on_delete: str | None
    on_update: str | None
    line: int | None
    statement: str | None


def _ident(node: exp.Expression | str | None) -> str:
    if node is None:
        return ""
    if isinstance(node, str):
        return node
    return node.name


def _col_names(nodes) -> list[str]:
    out: list[str] = []
    for n in nodes or []:
        if isinstance(n, exp.Ordered):
            n = n.this
        if isinstance(n, (exp.Identifier, exp.Column, exp.Var)):
            out.append(n.name)
        elif isinstance(n, exp.Schema):
            out += _col_names(n.expressions)
        elif isinstance(n, exp.Expression) and n.find(exp.Column) is not None and not isinstance(n, exp.Paren):
            return []  # expression index: not a plain column list
        elif isinstance(n, exp.Paren) and isinstance(n.this, (exp.Column, exp.Identifier)):
            out.append(n.this.name)
    return out


_ACTION = re.compile(r"ON\s+(DELETE|UPDATE)\s+(SET\s+NULL|SET\s+DEFAULT|NO\s+ACTION|CASCADE|RESTRICT)", re.I)


class _Builder:
    def __init__(self, dialect: str, source: str):
        self.dialect = dialect
        self.schema = Schema(dialect=dialect, source=source)
        self.types: dict[str, _CustomType] = {}
        self.pending_fks: list[_PendingFK] = []
        self.partition_keys: dict[str, list[str]] = {}  # parent key -> key columns
        self.bounds: dict[str, list[tuple[str, exp.Expression]]] = {}  # parent key -> [(child, bound)]
        self.has_create_table = False
        self.parsed_any = False

    # -- notes -----------------------------------------------------------------
    def note(self, level: NoteLevel, msg: str, p: Parsed | None = None, table: str | None = None,
             column: str | None = None) -> None:
        self.schema.notes.append(Note(level, msg, line=p.line if p else None,
                                      statement=p.statement if p else None, table=table, column=column))

    # -- dispatch ----------------------------------------------------------------
    def add(self, p: Parsed) -> None:
        e = p.expression
        self.parsed_any = True
        if p.kind == "domain":
            self._custom_type_from_table(e, p, domain=True)
            return
        if p.kind == "alias_type":
            self._custom_type_from_table(e, p, domain=False)
            return
        if p.kind == "attach":
            self._attach(e, p)
            return
        if isinstance(e, exp.Create):
            kind = (e.args.get("kind") or "").upper()
            if kind == "TABLE":
                self._create_table(e, p)
            elif kind.endswith("INDEX"):
                self._create_index(e, p)
            elif kind == "TYPE":
                self._create_type(e, p)
            elif kind == "SEQUENCE":
                self.note(NoteLevel.INFO, f"sequence {e.this.sql(self.dialect)} noted (values come from the generator)", p)
            else:
                self.note(NoteLevel.INFO, f"skipped CREATE {kind} (not a table definition)", p)
        elif isinstance(e, exp.Alter) and (e.args.get("kind") or "").upper() == "TABLE":
            self._alter_table(e, p)
        elif isinstance(e, exp.Command):
            words = " ".join(_command_head(e).split()[:2])
            if _is_schema_command(e):
                self.note(NoteLevel.WARNING, f"statement not understood, ignored: {words} …", p)
            else:
                self.note(NoteLevel.INFO, f"skipped {words} statement (not schema)", p)
        else:
            self.note(NoteLevel.INFO, f"skipped {e.key.upper()} statement (not schema)", p)

    # -- tables ------------------------------------------------------------------
    def _table_ref(self, t: exp.Expression) -> tuple[str, str | None]:
        if isinstance(t, exp.Schema):
            t = t.this
        if isinstance(t, exp.Table):
            return t.name, (t.text("db") or None)
        return _ident(t), None

    def _find(self, name: str, ns: str | None) -> Table | None:
        return self.schema.find(name, ns)

    def _create_table(self, e: exp.Create, p: Parsed) -> None:
        target = e.this
        name, ns = self._table_ref(target)
        props = e.args.get("properties")
        part_of = None
        if props:
            for pr in props.expressions:
                if isinstance(pr, exp.PartitionedOfProperty):
                    part_of = pr
        existing = self._find(name, ns)
        if existing is not None and (existing.schema or "").lower() == (ns or "").lower() \
                and existing.name.lower() == name.lower():
            self.note(NoteLevel.WARNING, f"table {existing.qualified_name} defined twice: the second definition is ignored",
                      p, table=existing.key)
            return
        table = Table(name=name, schema=ns, line=p.line)
        self.has_create_table = True
        if isinstance(target, exp.Schema):
            for item in target.expressions:
                if isinstance(item, exp.ColumnDef):
                    self._column(table, item, p)
            for item in target.expressions:
                if not isinstance(item, exp.ColumnDef):
                    self._table_constraint(table, item, p)
        elif e.expression is not None:
            self.note(NoteLevel.WARNING, "CREATE TABLE … AS SELECT: columns unknown, table skipped", p, table=name)
            return
        self.schema.add(table)
        if part_of is not None:
            parent_name, parent_ns = self._table_ref(part_of.this)
            self._partition(table, parent_name, parent_ns, part_of.expression, p)
        if props:
            for pr in props.expressions:
                if isinstance(pr, exp.PartitionedByProperty):
                    cols = [c.name for c in pr.find_all(exp.Column)]
                    self.partition_keys[table.key] = [table.column(c).name for c in cols if table.has_column(c)]

    def _column(self, table: Table, cd: exp.ColumnDef, p: Parsed) -> None:
        name = cd.name
        dt = cd.args.get("kind")
        col = Column(name=name, type=ColumnType(Kind.OTHER))
        custom = None
        if isinstance(dt, exp.DataType) and dt.this == DType.USERDEFINED:
            custom = self._lookup_type(dt)
            if custom is not None:
                col.type = copy.deepcopy(custom.type)
                col.type.raw = dt.sql(dialect=self.dialect)
                col.nullable = not custom.not_null
                col.default = custom.default
            else:
                last = _udt_last(dt).lower()
                if last in _NAMED:
                    k, length = _NAMED[last]
                    raw = dt.sql(dialect=self.dialect)
                    col.type = ColumnType(k, raw=raw, sql=raw, length=length)
                    if last in ("vector", "halfvec"):
                        col.type.dimension = next((x for x in map(_int_param, _params(dt)) if x is not None), None)
                else:
                    raw = dt.sql(dialect=self.dialect)
                    col.type = ColumnType(Kind.STRING, raw=raw, sql=raw)
                    self.note(NoteLevel.WARNING, f"unknown column type {raw}: generated as text", p,
                              table=table.name, column=name)
        elif isinstance(dt, exp.DataType):
            col.type, warn = map_type(dt, self.dialect)
            if warn:
                self.note(NoteLevel.WARNING, warn, p, table=table.name, column=name)
            if dt.this in _SERIALS:
                col.identity = True
                col.nullable = False
            if dt.this == DType.YEAR:
                self._add_check(table, exp.Between(this=exp.column(name), low=exp.Literal.number(1901),
                                                   high=exp.Literal.number(2155)), "year_range", column=name)
        table.columns.append(col)
        for cc in cd.args.get("constraints") or []:
            self._column_constraint(table, col, cc, p)
        if custom is not None:
            for cname, chk in custom.checks:
                replaced = chk.transform(
                    lambda n: exp.column(col.name, quoted=True)
                    if isinstance(n, exp.Column) and n.name.upper() == "VALUE" and not n.table else n)
                self._add_check(table, replaced, cname)
        if col.default and "nextval" in col.default.lower():
            col.identity = True

    def _lookup_type(self, dt: exp.DataType) -> _CustomType | None:
        full = _udt_name(dt).lower()
        return self.types.get(full) or self.types.get(_udt_last(dt).lower())

    def _column_constraint(self, table: Table, col: Column, cc: exp.ColumnConstraint, p: Parsed) -> None:
        k = cc.args.get("kind")
        cname = cc.name or None
        if isinstance(k, exp.NotNullColumnConstraint):
            col.nullable = bool(k.args.get("allow_null"))
        elif isinstance(k, exp.PrimaryKeyColumnConstraint):
            table.primary_key = (col.name,)
            col.nullable = False
            if self.dialect == "sqlite" and col.type.raw.upper() in ("INT", "INTEGER") and not k.args.get("desc"):
                col.identity = True
        elif isinstance(k, exp.UniqueColumnConstraint):
            if (col.name,) not in table.uniques:
                table.uniques.append((col.name,))
        elif isinstance(k, exp.DefaultColumnConstraint):
            col.default = k.this.sql(dialect=self.dialect) if isinstance(k.this, exp.Expression) else str(k.this)
            if isinstance(k.this, exp.Null):
                col.default = None  # DEFAULT NULL: no default
            elif "nextval" in col.default.lower():
                col.identity = True
        elif isinstance(k, exp.AutoIncrementColumnConstraint):
            col.identity = True
        elif isinstance(k, exp.GeneratedAsIdentityColumnConstraint):
            if k.args.get("expression") is not None and k.args.get("start") is None:
                col.generated = k.args["expression"]
                col.generated_sql = col.generated.sql(dialect=self.dialect)
            else:
                col.identity = True
                col.nullable = False  # identity columns are NOT NULL in every engine
        elif isinstance(k, exp.ComputedColumnConstraint):
            col.generated = k.this
            col.generated_sql = k.this.sql(dialect=self.dialect)
            if k.args.get("not_null"):
                col.nullable = False
        elif isinstance(k, exp.CheckColumnConstraint):
            self._add_check(table, k.this, cname, column=col.name)
        elif isinstance(k, exp.Reference):
            self._reference(table, (col.name,), k, cname, p)
        elif isinstance(k, exp.CommentColumnConstraint):
            col.comment = k.this.name if isinstance(k.this, exp.Literal) else k.this.sql()
        # collation, charset, ON UPDATE, storage ... do not constrain values

    def _add_check(self, table: Table, expr: exp.Expression, name: str | None, column: str | None = None) -> None:
        e = expr
        while isinstance(e, exp.Paren):
            e = e.this
        cols: list[str] = []
        for c in e.find_all(exp.Column):
            if table.has_column(c.name):
                n = table.column(c.name).name
                if n not in cols:
                    cols.append(n)
        if not cols and column:
            cols = [column]
        table.checks.append(Check(expression=e, sql=e.sql(dialect=self.dialect), name=name, columns=tuple(cols)))

    def _table_constraint(self, table: Table, item: exp.Expression, p: Parsed, name: str | None = None) -> None:
        if isinstance(item, exp.Constraint):
            cname = item.name or None
            parts = list(item.expressions)
            i = 0
            while i < len(parts):
                part = parts[i]
                if isinstance(part, exp.PrimaryKeyColumnConstraint) and i + 1 < len(parts) and \
                        isinstance(parts[i + 1], (exp.ClusteredColumnConstraint, exp.NonClusteredColumnConstraint)):
                    self._set_pk(table, _col_names(parts[i + 1].this), p)
                    i += 2
                    continue
                self._table_constraint(table, part, p, cname)
                i += 1
            return
        if isinstance(item, exp.PrimaryKey):
            self._set_pk(table, _col_names(item.expressions), p)
        elif isinstance(item, exp.PrimaryKeyColumnConstraint):
            pass  # handled with its CLUSTERED column list above
        elif isinstance(item, exp.ForeignKey):
            cols = tuple(_col_names(item.expressions))
            self._reference(table, cols, item.args.get("reference"), name, p,
                            on_delete=item.args.get("delete"), on_update=item.args.get("update"))
        elif isinstance(item, exp.UniqueColumnConstraint):
            inner = item.this
            if isinstance(inner, (exp.ClusteredColumnConstraint, exp.NonClusteredColumnConstraint)):
                cols = _col_names(inner.this)
            elif isinstance(inner, exp.Schema):
                cols = _col_names(inner.expressions)
            else:
                cols = _col_names(item.expressions)
            self._add_unique(table, cols, p)
        elif isinstance(item, exp.CheckColumnConstraint):
            self._add_check(table, item.this, name)
        elif isinstance(item, exp.Check):
            self._add_check(table, item.this, name)
        elif isinstance(item, exp.IndexColumnConstraint):
            if (item.args.get("kind") or "").upper() == "UNIQUE":
                self._add_unique(table, _col_names(item.expressions), p)
        elif isinstance(item, exp.ColumnDef):
            if table.has_column(item.name):
                self.note(NoteLevel.WARNING, f"column {item.name} added twice", p, table=table.key)
            else:
                self._column(table, item, p)
        elif isinstance(item, (exp.Properties, exp.OnProperty, exp.Property, exp.LikeProperty)):
            pass
        elif isinstance(item, exp.Schema):
            for x in item.expressions:
                self._table_constraint(table, x, p, name)
        elif isinstance(item, (exp.ClusteredColumnConstraint, exp.NonClusteredColumnConstraint)):
            pass
        else:
            self.note(NoteLevel.WARNING, f"table element ignored: {item.sql(dialect=self.dialect)[:80]}", p,
                      table=table.key)

    def _resolve_cols(self, table: Table, cols, p: Parsed, what: str) -> tuple[str, ...] | None:
        out = []
        for c in cols:
            if not table.has_column(c):
                raise DDLError(f"{what} names column {c!r}, which table {table.qualified_name} does not have",
                               line=p.line, statement=p.statement, table=table.qualified_name, column=c)
            out.append(table.column(c).name)
        return tuple(out)

    def _set_pk(self, table: Table, cols, p: Parsed) -> None:
        if not cols:
            return
        resolved = self._resolve_cols(table, cols, p, "PRIMARY KEY")
        table.primary_key = resolved
        for c in resolved:
            table.column(c).nullable = False

    def _add_unique(self, table: Table, cols, p: Parsed) -> None:
        if not cols:
            return
        resolved = self._resolve_cols(table, cols, p, "UNIQUE")
        if resolved not in table.uniques:
            table.uniques.append(resolved)

    def _reference(self, table: Table, cols: tuple[str, ...], ref: exp.Reference | None, name: str | None,
                   p: Parsed, on_delete=None, on_update=None) -> None:
        if ref is None or not cols:
            return
        target = ref.this
        ref_cols: tuple[str, ...] = ()
        if isinstance(target, exp.Schema):
            ref_cols = tuple(_col_names(target.expressions))
            target = target.this
        ref_name, ref_ns = self._table_ref(target)
        opts = " ".join(str(o) for o in (ref.args.get("options") or []))
        for m in _ACTION.finditer(opts):
            act = " ".join(m.group(2).upper().split())
            if m.group(1).upper() == "DELETE":
                on_delete = on_delete or act
            else:
                on_update = on_update or act
        self.pending_fks.append(_PendingFK(
            table, tuple(cols), ref_name, ref_ns, ref_cols, name,
            " ".join(str(on_delete).upper().split()) if on_delete else None,
            " ".join(str(on_update).upper().split()) if on_update else None, p.line, p.statement))

    # -- ALTER TABLE ---------------------------------------------------------------
    def _alter_table(self, e: exp.Alter, p: Parsed) -> None:
        name, ns = self._table_ref(e.this)
        table = self._find(name, ns)
        if table is None:
            self.note(NoteLevel.WARNING, f"ALTER TABLE on unknown table {e.this.sql(dialect=self.dialect)}: ignored", p)
            return
        for action in e.args.get("actions") or []:
            if isinstance(action, exp.AddConstraint):
                for c in action.expressions:
                    self._table_constraint(table, c, p)
            elif isinstance(action, exp.AlterColumn):
                if not table.has_column(action.name):
                    raise DDLError(f"ALTER COLUMN names column {action.name!r}, which table {table.qualified_name} "
                                   "does not have", line=p.line, statement=p.statement,
                                   table=table.qualified_name, column=action.name)
                col = table.column(action.name)
                if action.args.get("default") is not None:
                    col.default = action.args["default"].sql(dialect=self.dialect)
                    if "nextval" in col.default.lower():
                        col.identity = True
                if action.args.get("allow_null") is False:
                    col.nullable = False
                if action.args.get("allow_null") is True:
                    col.nullable = True
                dt = action.args.get("dtype")
                if isinstance(dt, exp.DataType):
                    col.type, _ = map_type(dt, self.dialect)
            elif isinstance(action, (exp.ColumnDef, exp.Schema, exp.Constraint, exp.PrimaryKey, exp.ForeignKey,
                                     exp.UniqueColumnConstraint, exp.CheckColumnConstraint)):
                self._table_constraint(table, action, p)
            else:
                self.note(NoteLevel.INFO, f"skipped ALTER TABLE action {action.key.upper()}", p, table=table.key)

    # -- indexes ---------------------------------------------------------------------
    def _create_index(self, e: exp.Create, p: Parsed) -> None:
        if not e.args.get("unique"):
            self.note(NoteLevel.INFO, "skipped CREATE INDEX (not a constraint)", p)
            return
        idx = e.this
        tbl = idx.args.get("table") if isinstance(idx, exp.Index) else None
        if tbl is None:
            self.note(NoteLevel.WARNING, "unique index without a table: ignored", p)
            return
        name, ns = self._table_ref(tbl)
        table = self._find(name, ns)
        if table is None:
            self.note(NoteLevel.WARNING, f"unique index on unknown table {tbl.sql(dialect=self.dialect)}: ignored", p)
            return
        params = idx.args.get("params")
        cols_nodes = params.args.get("columns") if params is not None else idx.expressions
        cols = _col_names(cols_nodes)
        if not cols or len(cols) != len(cols_nodes or []):
            self.note(NoteLevel.WARNING, "unique index on expressions: not enforced by the generator", p,
                      table=table.key)
            return
        if params is not None and params.args.get("where") is not None:
            self.note(NoteLevel.WARNING, "partial unique index: not enforced by the generator", p, table=table.key)
            return
        self._add_unique(table, cols, p)

    # -- types, domains ----------------------------------------------------------------
    def _create_type(self, e: exp.Create, p: Parsed) -> None:
        dt = e.args.get("expression")
        name, ns = self._table_ref(e.this)
        if isinstance(dt, exp.DataType) and dt.this == DType.ENUM:
            vals = tuple(str(x.this) if isinstance(x, exp.Literal) else x.sql() for x in dt.expressions)
            raw = e.this.sql(dialect=self.dialect)
            ct = ColumnType(Kind.ENUM, raw=raw, sql=raw, values=vals)
            self._register_type(name, ns, _CustomType(name, ct))
        else:
            self.note(NoteLevel.WARNING, f"type {name} not understood (only ENUM types, domains and alias types are)", p)

    def _register_type(self, name: str, ns: str | None, ct: _CustomType) -> None:
        self.types[name.lower()] = ct
        if ns:
            self.types[f"{ns}.{name}".lower()] = ct

    def _custom_type_from_table(self, e: exp.Expression, p: Parsed, domain: bool) -> None:
        if not isinstance(e, exp.Create) or not isinstance(e.this, exp.Schema) or not e.this.expressions:
            self.note(NoteLevel.ERROR, "cannot parse this type definition", p)
            return
        name, ns = self._table_ref(e.this)
        tmp = Table(name=name)
        self._column(tmp, e.this.expressions[0], Parsed(p.kind, e, p.line, p.statement))
        col = tmp.columns[0]
        ct = _CustomType(name, col.type, not_null=not col.nullable, default=col.default,
                         checks=[(c.name, c.expression) for c in tmp.checks])
        self._register_type(name, ns, ct)
        self.schema.notes.append(Note(NoteLevel.INFO, f"{'domain' if domain else 'alias type'} {name} "
                                      f"= {col.type.sql}", line=p.line, statement=p.statement))

    # -- partitions ----------------------------------------------------------------------
    def _attach(self, e: exp.Expression, p: Parsed) -> None:
        if not isinstance(e, exp.Create):
            return
        child_name, child_ns = self._table_ref(e.this)
        child = self._find(child_name, child_ns)
        prop = next((x for x in (e.args.get("properties").expressions if e.args.get("properties") else [])
                     if isinstance(x, exp.PartitionedOfProperty)), None)
        if child is None or prop is None:
            self.note(NoteLevel.WARNING, "ATTACH PARTITION of an unknown table: ignored", p)
            return
        parent_name, parent_ns = self._table_ref(prop.this)
        self._partition(child, parent_name, parent_ns, prop.expression, p)

    def _partition(self, child: Table, parent_name: str, parent_ns: str | None, bound, p: Parsed) -> None:
        parent = self._find(parent_name, parent_ns)
        if parent is None:
            raise DDLError(f"partition {child.qualified_name} of unknown table {parent_name}", line=p.line,
                           statement=p.statement, table=child.qualified_name)
        child.partition_of = parent.key
        if not child.columns:  # CREATE TABLE p PARTITION OF parent: same columns as the parent
            child.columns = copy.deepcopy(parent.columns)
        self.bounds.setdefault(parent.key, []).append((child.key, bound))

    def _partition_checks(self) -> None:
        for parent_key, bounds in self.bounds.items():
            parent = self.schema.tables[parent_key]
            keys = self.partition_keys.get(parent_key) or []
            if len(keys) != 1:
                if keys:
                    self.schema.notes.append(Note(NoteLevel.WARNING, "multi-column partition key: partition "
                                                  "bounds not enforced", table=parent_key))
                continue
            col = exp.column(keys[0], quoted=True)
            ors: list[exp.Expression] = []
            for _child, b in bounds:
                if not isinstance(b, exp.PartitionBoundSpec) or b.args.get("expression") is not None:
                    ors = []  # a DEFAULT partition takes any row; hash partitions cover every value
                    break
                listed = b.args.get("this")
                if isinstance(listed, list):  # FOR VALUES IN (...)
                    ors.append(exp.In(this=col.copy(), expressions=[v.copy() for v in listed]))
                    continue
                lo = (b.args.get("from_expressions") or [None])[0]
                hi = (b.args.get("to_expressions") or [None])[0]
                parts = []
                if lo is not None and not (isinstance(lo, (exp.Var, exp.Column)) and lo.name.upper() == "MINVALUE"):
                    parts.append(exp.GTE(this=col.copy(), expression=lo.copy()))
                if hi is not None and not (isinstance(hi, (exp.Var, exp.Column)) and hi.name.upper() == "MAXVALUE"):
                    parts.append(exp.LT(this=col.copy(), expression=hi.copy()))
                if not parts:
                    ors = []  # (MINVALUE) TO (MAXVALUE): unbounded
                    break
                ors.append(exp.paren(exp.and_(*parts)) if len(parts) > 1 else parts[0])
            if ors:
                expr = exp.or_(*ors) if len(ors) > 1 else ors[0]
                parent.checks = [c for c in parent.checks if c.name != "partition_bounds"]
                parent.checks.append(Check(expression=expr, sql=expr.sql(dialect=self.dialect),
                                           name="partition_bounds", columns=(keys[0],)))

    # -- finishing ---------------------------------------------------------------------------
    def finish(self) -> Schema:
        for fk in self.pending_fks:
            self._resolve_fk(fk)
        # FKs declared on partitions constrain the parent's rows too
        for t in list(self.schema.tables.values()):
            if t.partition_of:
                parent = self.schema.tables[t.partition_of]
                for fk in t.foreign_keys:
                    if not all(parent.has_column(c) for c in fk.columns):
                        continue
                    cols = tuple(parent.column(c).name for c in fk.columns)
                    if any(f.columns == cols and f.ref_table == fk.ref_table and f.ref_columns == fk.ref_columns
                           for f in parent.foreign_keys):
                        continue
                    parent.foreign_keys.append(ForeignKey(cols, fk.ref_table, fk.ref_columns, name=None,
                                                          on_delete=fk.on_delete, on_update=fk.on_update))
        self._partition_checks()
        for t in self.schema.tables.values():
            self._infer_computed_types(t)
            t.uniques = [u for u in t.uniques if u != t.primary_key]
            if self.dialect == "sqlite" and len(t.primary_key) == 1:
                c = t.column(t.primary_key[0])
                if c.type.raw.upper() in ("INT", "INTEGER"):
                    c.identity = True
        return self.schema

    def _infer_computed_types(self, t: Table) -> None:
        """T-SQL computed columns declare no type: infer it from the expression where sqlglot can."""
        todo = [c for c in t.columns if c.generated is not None and c.type.kind == Kind.OTHER and not c.type.raw]
        if not todo:
            return
        from sqlglot.optimizer.annotate_types import annotate_types

        mapping = {"t": {c.name: c.type.sql for c in t.columns if not c.is_generated and c.type.sql}}
        for c in todo:
            e = c.generated.copy()
            for col in e.find_all(exp.Column):
                col.set("table", exp.to_identifier("t"))
            try:
                sel = annotate_types(exp.select(e).from_("t"), schema=mapping, dialect=self.dialect)
                dt = sel.selects[0].type
            except Exception:  # noqa: BLE001 - inference is best effort
                continue
            if isinstance(dt, exp.DataType) and dt.this not in (DType.UNKNOWN, DType.NULL, DType.USERDEFINED):
                ct, warn = map_type(dt, self.dialect)
                if ct.kind == Kind.INT:  # sqlglot's INT * MONEY -> INT depends on operand order: widen
                    refs = [t.column(x.name).type for x in c.generated.find_all(exp.Column) if t.has_column(x.name)]
                    wider = [r for r in refs if r.kind in (Kind.DECIMAL, Kind.FLOAT)]
                    if wider:
                        ct = copy.deepcopy(next((r for r in wider if r.kind == Kind.DECIMAL), wider[0]))
                if not warn:
                    ct.raw = ""  # nothing was written: the type is inferred
                    c.type = ct

    def _resolve_fk(self, fk: _PendingFK) -> None:
        t = fk.table
        ref = self._find(fk.ref_name, fk.ref_schema)
        where = dict(line=fk.line, statement=fk.statement, table=t.qualified_name, constraint=fk.name)
        if ref is None:
            raise DDLError(f"foreign key {'(' + ', '.join(fk.columns) + ') ' if fk.columns else ''}references "
                           f"table {fk.ref_name!r}, which is not defined in the DDL",
                           column=", ".join(fk.columns), **where)
        for c in fk.columns:
            if not t.has_column(c):
                raise DDLError(f"foreign key names column {c!r}, which table {t.qualified_name} does not have",
                               column=c, **where)
        ref_cols = fk.ref_columns or ref.primary_key
        if not ref_cols:
            raise DDLError(f"foreign key references table {ref.qualified_name} without a column list, "
                           "and that table has no primary key", column=", ".join(fk.columns), **where)
        for c in ref_cols:
            if not ref.has_column(c):
                raise DDLError(f"foreign key references column {ref.qualified_name}.{c}, which does not exist",
                               column=c, **where)
        if len(ref_cols) != len(fk.columns):
            raise DDLError(f"foreign key has {len(fk.columns)} column(s) but references {len(ref_cols)}",
                           column=", ".join(fk.columns), **where)
        cols = tuple(t.column(c).name for c in fk.columns)
        rcols = tuple(ref.column(c).name for c in ref_cols)
        new = ForeignKey(cols, ref.key, rcols, name=fk.name, on_delete=fk.on_delete, on_update=fk.on_update)
        if any(f.columns == cols and f.ref_table == ref.key and f.ref_columns == rcols for f in t.foreign_keys):
            return
        t.foreign_keys.append(new)


# ---------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------

def parse_ddl(text: str | bytes, dialect: str | None = None) -> Schema:
    """Parse a DDL script (any dialect sqlglot reads) into a :class:`Schema`.

    Raises :class:`DDLError` for empty, binary or non-SQL input, for a script
    without CREATE TABLE, and for a foreign key to a missing table or column.
    Everything else becomes ``Schema.notes``.
    """
    from .dialect import detect_dialect, normalize_dialect

    text = _decode(text)
    dialect = normalize_dialect(dialect) if dialect else detect_dialect(text)
    pre = preprocess(text, dialect)
    statements = split_statements(pre, dialect)
    b = _Builder(dialect, text)
    errors: list[Note] = []
    for st in statements:
        parsed, notes = parse_statement(st, pre, dialect)
        errors += notes
        b.schema.notes += notes
        for p in parsed:
            b.add(p)
    if not statements:
        raise DDLError("the DDL contains no SQL statement (only comments or blank lines)")
    if not b.parsed_any:
        first = errors[0] if errors else None
        detail = f" (first problem, line {first.line}: {first.message})" if first else ""
        raise DDLError("the input is not SQL: no statement could be parsed" + detail,
                       line=first.line if first else None, statement=first.statement if first else None)
    if not b.has_create_table:
        raise DDLError("no CREATE TABLE statement found: the DDL defines no table to generate data for")
    schema = b.finish()
    schema.notes.sort(key=lambda n: (n.line if n.line is not None else 10**9))
    return schema
