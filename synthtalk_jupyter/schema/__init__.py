"""Schema model and DDL parser."""

from .dialect import detect_dialect
from .model import (Check, Column, ColumnType, ForeignKey, Kind, Note, NoteLevel, Schema, Table)
from .parse import parse_ddl

__all__ = ["parse_ddl", "detect_dialect", "Schema", "Table", "Column", "ColumnType", "Kind", "ForeignKey",
           "Check", "Note", "NoteLevel"]
