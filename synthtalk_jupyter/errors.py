"""Errors a user can act on: each names the statement, line, table and column it is about."""

from __future__ import annotations


class SynthTalkError(Exception):
    """Base class for every error shown to a user (never with a traceback)."""

    def __init__(self, message: str, *, line: int | None = None, statement: str | None = None,
                 table: str | None = None, column: str | None = None, constraint: str | None = None):
        self.message = message
        self.line = line
        self.statement = statement
        self.table = table
        self.column = column
        self.constraint = constraint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.table:
            where.append(f"table {self.table}")
        if self.column:
            where.append(f"column {self.column}")
        if self.constraint:
            where.append(f"constraint {self.constraint}")
        text = self.message
        if where:
            text = f"{text} ({', '.join(where)})"
        if self.statement:
            text = f"{text}\n  in: {self.statement}"
        return text


class DDLError(SynthTalkError):
    """The DDL cannot be used: empty, not SQL, binary, no tables, a broken reference."""


class InfeasibleError(SynthTalkError):
    """The constraints cannot all hold for the requested data (e.g. UNIQUE BOOLEAN with 1000 rows)."""


class SpecError(SynthTalkError):
    """A generation spec that does not fit the schema."""


class StoreError(SynthTalkError):
    """The store cannot be opened or a dataset is missing."""


class SQLRefused(SynthTalkError):
    """A query refused by the sandbox's allow-list."""


class LLMError(SynthTalkError):
    """The language-model endpoint is missing, down, slow or answered garbage."""


class UsageError(SynthTalkError):
    """Options or arguments that do not make sense together."""
