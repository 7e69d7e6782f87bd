"""What a chat turn returns (:class:`ChatResult`) and streams (:class:`ChatEvent`).

Event types sent to ``on_event`` (in this order within a turn; each is a ChatEvent):

=============  ==========================================================================
``status``     ``text``: short progress note ("thinking", "running query") - optional UI
``text``       ``text``: a delta of the answer, token by token (concatenate them)
``sql``        ``sql``: a query about to run (already checked by the sandbox)
``table``      ``df``, ``sql``, ``row_count``, ``truncated``: a query result
``sql_error``  ``sql``, ``reason``, ``refused`` (True: sandbox refusal; False: database
               error or timeout). The model sees it too and may correct itself.
``chart``      ``figure`` (matplotlib Figure), ``spec`` (dict): a chart was drawn
``refusal``    ``category`` (injection / jailbreak / off_topic), ``reason``: the guard
               blocked the question; nothing was sent to the model
``error``      ``reason``: the turn failed (LLM endpoint missing/down/slow/garbage)
``done``       ``result``: the final ChatResult (always the last event)
=============  ==========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ChatEvent:
    type: str
    text: str | None = None
    sql: str | None = None
    df: Any = None
    figure: Any = None
    spec: dict | None = None
    row_count: int | None = None
    truncated: bool = False
    refused: bool = False
    category: str | None = None
    reason: str | None = None
    result: Any = None

    @property
    def data(self) -> Any:
        """The event's main payload: text for ``text``/``status``, sql for ``sql``, df for
        ``table``, figure for ``chart``, reason for ``refusal``/``error``/``sql_error``, result
        for ``done``."""
        return {"text": self.text, "status": self.text, "sql": self.sql, "table": self.df,
                "chart": self.figure, "refusal": self.reason, "error": self.reason,
                "sql_error": self.reason, "done": self.result}.get(self.type)

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.__dict__.items()
                 if v not in (None, False) and k not in ("type", "df", "figure", "result")}
        return f"ChatEvent({self.type!r}, {shown})"


@dataclass
class ToolCall:
    name: str  # run_sql | plot
    arguments: dict
    ok: bool = True
    error: str | None = None  # refusal / database error / invalid spec, as the model saw it
    refused: bool = False  # the sandbox refused the SQL
    sql: str | None = None  # executed (regenerated) SQL
    row_count: int | None = None
    truncated: bool = False
    elapsed_ms: float = 0.0


@dataclass
class ChatResult:
    """One turn. ``status``: ``ok``, ``blocked`` (guard or nothing to do) or ``error``."""

    question: str = ""
    text: str = ""  # the assistant's answer (or the refusal / error message)
    sql: str | None = None  # last successfully executed query
    df: Any = None  # pandas DataFrame of that query (at most row_cap rows)
    figure: Any = None  # matplotlib Figure, if a chart was drawn
    chart: dict | None = None  # the validated chart spec
    blocked: bool = False  # the guard refused the question
    category: str = "ok"  # guard category: ok / injection / jailbreak / off_topic
    reason: str | None = None  # why blocked, or the error message (LLMError, SQL error)
    status: str = "ok"
    truncated: bool = False  # df holds only the first row_cap rows
    row_count: int | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    steps: int = 0  # model calls made
    usage: dict = field(default_factory=dict)  # prompt_tokens / completion_tokens / total_tokens
    model: str | None = None
    trace_id: str | None = None
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def error(self) -> str | None:
        return self.reason if self.status == "error" else None

    def _repr_html_(self) -> str:
        from ..display import chat_html

        return chat_html(self, limit=getattr(self, "display_limit", 20))

    def __repr__(self) -> str:
        bits = [f"status={self.status!r}"]
        if self.blocked:
            bits.append(f"category={self.category!r}")
        if self.reason:
            bits.append(f"reason={self.reason[:80]!r}")
        if self.sql:
            bits.append(f"sql={self.sql[:60]!r}")
        if self.df is not None:
            bits.append(f"rows={self.row_count}{'+' if self.truncated else ''}")
        if self.figure is not None:
            bits.append("figure")
        if self.text:
            bits.append(f"text={self.text[:60]!r}")
        return f"ChatResult({', '.join(bits)})"
