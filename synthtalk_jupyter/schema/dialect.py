"""Guess which SQL dialect a DDL script is written in (a sqlglot dialect name).

Signals are weighted regular expressions over the text with comments removed;
when no dialect-specific signal is present (ANSI / generic DDL) the dialect
whose parser reads the most statements wins.
"""

from __future__ import annotations

import re

from sqlglot.dialects.dialect import Dialect

from ..errors import DDLError

_ALIASES = {
    "postgresql": "postgres", "pg": "postgres", "psql": "postgres", "pgsql": "postgres",
    "sqlserver": "tsql", "mssql": "tsql", "sql server": "tsql", "t-sql": "tsql", "azuresql": "tsql",
    "mariadb": "mysql", "sqlite3": "sqlite", "ansi": "", "generic": "", "db2": "",
    "plsql": "oracle", "oracle12c": "oracle",
}

_I = re.I | re.M
_SIGNALS: dict[str, list[tuple[re.Pattern, int]]] = {
    "tsql": [
        (re.compile(r"^\s*GO\s*$", _I), 5),
        (re.compile(r"\[\w+\]\s*\.\s*\[\w+\]", _I), 3),
        (re.compile(r"\bIDENTITY\s*\(\s*\d+\s*,\s*\d+\s*\)", _I), 4),
        (re.compile(r"\b(?:NON)?CLUSTERED\b", _I), 4),
        (re.compile(r"\bON\s+\[PRIMARY\]", _I), 4),
        (re.compile(r"\bUNIQUEIDENTIFIER\b|\bDATETIME2\b|\bDATETIMEOFFSET\b|\bSMALLMONEY\b|\bHIERARCHYID\b"
                    r"|\bSYSNAME\b|\bROWGUIDCOL\b", _I), 4),
        (re.compile(r"\(\s*MAX\s*\)", _I), 3),
        (re.compile(r"\bCREATE\s+TYPE\s+\S+\s+FROM\b", _I), 5),
        (re.compile(r"\bWITH\s+(?:NO)?CHECK\s+ADD\b", _I), 4),
        (re.compile(r"\bNOT\s+FOR\s+REPLICATION\b", _I), 4),
        (re.compile(r"\[dbo\]|\bdbo\.", _I), 3),
    ],
    "mysql": [
        (re.compile(r"\bAUTO_INCREMENT\b", _I), 4),
        (re.compile(r"\bENGINE\s*=", _I), 5),
        (re.compile(r"/\*!\d{5}", _I), 5),
        (re.compile(r"\bUNSIGNED\b", _I), 3),
        (re.compile(r"\b(?:DEFAULT\s+)?(?:CHARSET|CHARACTER\s+SET)\s*=", _I), 4),
        (re.compile(r"\b(?:ENUM|SET)\s*\(\s*'", _I), 2),
        (re.compile(r"\b(?:TINY|MEDIUM|LONG)(?:TEXT|BLOB)\b|\bMEDIUMINT\b", _I), 3),
        (re.compile(r"\bON\s+UPDATE\s+CURRENT_TIMESTAMP\b", _I), 4),
        (re.compile(r"^\s*(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?KEY\s+`?\w", _I), 2),
        (re.compile(r"`\w+`\s*\.\s*`\w+`", _I), 2),
        (re.compile(r"`[^`\n]+`", _I), 1),
    ],
    "postgres": [
        (re.compile(r"::\s*\w", _I), 3),
        (re.compile(r"\b(?:BIG|SMALL)?SERIAL\b", _I), 3),
        (re.compile(r"\bnextval\s*\(", _I), 4),
        (re.compile(r"\bCREATE\s+DOMAIN\b", _I), 4),
        (re.compile(r"\bAS\s+ENUM\b", _I), 4),
        (re.compile(r"\bALTER\s+TABLE\s+ONLY\b", _I), 5),
        (re.compile(r"\bOWNER\s+TO\b", _I), 4),
        (re.compile(r"\bBYTEA\b|\bJSONB\b|\bTSVECTOR\b|\bTIMESTAMPTZ\b|\bCITEXT\b", _I), 3),
        (re.compile(r"\bCHARACTER\s+VARYING\b|\bTIMESTAMP(?:\(\d\))?\s+WITH(?:OUT)?\s+TIME\s+ZONE\b", _I), 3),
        (re.compile(r"\bPARTITION\s+OF\b|\bATTACH\s+PARTITION\b|\bUSING\s+(?:btree|gist|gin|hash)\b", _I), 4),
        (re.compile(r"\bCREATE\s+EXTENSION\b", _I), 4),
        (re.compile(r"\bpublic\.", _I), 2),
        (re.compile(r"\w\[\]", _I), 2),
    ],
    "oracle": [
        (re.compile(r"\bVARCHAR2\b|\bNVARCHAR2\b", _I), 5),
        (re.compile(r"\bNUMBER\s*(?:\(|\s|,|$)", _I), 3),
        (re.compile(r"\bORGANIZATION\s+INDEX\b", _I), 5),
        (re.compile(r"\bGENERATED\s+BY\s+DEFAULT\s+ON\s+NULL\b", _I), 5),
        (re.compile(r"\bNOCACHE\b|\bNOCYCLE\b", _I), 3),
        (re.compile(r"\bCLOB\b|\bNCLOB\b|\bSYSDATE\b|\bSYSTIMESTAMP\b", _I), 3),
        (re.compile(r"\bADD\s*\(\s*CONSTRAINT\b", _I), 3),
        (re.compile(r"\bTABLESPACE\b", _I), 1),
    ],
    "sqlite": [
        (re.compile(r"\bAUTOINCREMENT\b", _I), 5),
        (re.compile(r"\bWITHOUT\s+ROWID\b", _I), 5),
        (re.compile(r"^\s*PRAGMA\b", _I), 5),
        (re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\b", _I), 2),
    ],
    "duckdb": [
        (re.compile(r"\bHUGEINT\b|\bUHUGEINT\b|\bUTINYINT\b|\bUSMALLINT\b|\bUBIGINT\b", _I), 5),
        (re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?MACRO\b", _I), 5),
        (re.compile(r"\bSTRUCT\s*\(|\bMAP\s*\(", _I), 3),
    ],
}

_COMMENTS = re.compile(r"--[^\n]*|/\*(?!!).*?\*/", re.S)
_STRINGS = re.compile(r"'(?:[^']|'')*'")


def normalize_dialect(dialect: str | None) -> str:
    """A user-given dialect name -> the sqlglot name (``DDLError`` if unknown)."""
    if dialect is None:
        return ""
    d = dialect.strip().lower()
    d = _ALIASES.get(d, d)
    if d == "":
        return "postgres"  # the generic choice: sqlglot's postgres reader is the most complete ANSI reader
    try:
        Dialect.get_or_raise(d)
    except ValueError:
        raise DDLError(f"unknown SQL dialect {dialect!r} (use e.g. postgres, mysql, sqlite, tsql, oracle, duckdb)") \
            from None
    return d


def dialect_scores(text: str) -> dict[str, int]:
    """Signal score per dialect (comments and string literals ignored)."""
    body = _STRINGS.sub("''", _COMMENTS.sub(" ", text))
    scores: dict[str, int] = {}
    for d, sigs in _SIGNALS.items():
        s = 0
        for pat, w in sigs:
            n = len(pat.findall(body))
            if n:
                s += w * min(n, 5)  # a signal counts, repetition a little
        scores[d] = s
    # bracket identifiers without T-SQL-only features: SQLite reads them too
    return scores


def detect_dialect(text: str) -> str:
    """Best guess of the sqlglot dialect name of ``text``."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    scores = dialect_scores(text)
    best = max(scores, key=lambda d: scores[d])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] >= 3 and ranked[0] >= 2 * ranked[1]:
        return best
    # weak or mixed evidence: let the parsers vote, generic readers first
    body = _COMMENTS.sub(" ", text)
    candidates: list[str] = []
    if "`" in body or re.search(r"\[\w+\]", body) or re.search(r"\bDATETIME\b", body, re.I):
        candidates.append("sqlite")  # reads backticks, brackets and double quotes alike
    candidates += [d for d, s in sorted(scores.items(), key=lambda kv: -kv[1]) if s > 0]
    candidates += ["postgres", "sqlite", "mysql", "tsql"]
    return _vote(text, list(dict.fromkeys(candidates)))


def _vote(text: str, candidates: list[str]) -> str:
    """The candidate whose parser reads most statements (the first candidate on ties)."""
    from .parse import parse_statement, preprocess, split_statements

    best, best_score = candidates[0], -1.0
    for d in candidates[:4]:
        try:
            pre = preprocess(text, d)
            stmts = split_statements(pre, d)
        except Exception:  # a tokenizer that cannot read the text at all
            continue
        if not stmts:
            continue
        ok = 0
        for st in stmts:
            got, notes = parse_statement(st, pre, d)
            if got and not notes and not any(type(p.expression).__name__ == "Command" for p in got):
                ok += 1
        score = ok / len(stmts)
        if score > best_score + 1e-9:
            best, best_score = d, score
    return best
