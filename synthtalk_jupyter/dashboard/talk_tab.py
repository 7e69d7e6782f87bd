"""Talk to your data: a dataset picker, the conversation as chat bubbles, streamed answers with
the SQL (editable, re-runnable), the result table and the chart."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

import ipywidgets as widgets

from .. import api
from ..errors import SynthTalkError
from .widgets import (Worker, badge, button, card, classed, error_html, error_text, esc, hbox, html, markdown_html,
                      notice, table_html, vbox)

TABLE_ROWS = 50
STREAM_INTERVAL = 0.05  # seconds between answer re-renders while tokens stream in

CATEGORY_NAMES = {"injection": "prompt injection", "jailbreak": "jailbreak attempt", "off_topic": "off topic"}


def _settings():
    from ..config import get_settings

    return get_settings()


def figure_png(fig) -> bytes:
    from ..display import figure_png as _png

    data = _png(fig)
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:
        pass
    return data


def suggestions_for(tables: list[str]) -> list[str]:
    names = {t.split(".")[-1].lower() for t in tables}
    if {"customers", "orders"} <= names:
        return ["Which 5 customers spent the most?", "Show the number of orders per month as a line chart",
                "What share of orders has each status?"]
    if not tables:
        return []
    first, last = tables[0].split(".")[-1], tables[-1].split(".")[-1]
    return ["How many rows does each table have?", f"Show 5 rows of {first}",
            f"Chart the number of {last} rows by their most common category"]


class Turn:
    """One question and its answer in the conversation."""

    def __init__(self, tab: "TalkTab", question: str):
        self.tab = tab
        self.question = question
        self.text = ""
        self._last_render = 0.0
        self._lock = threading.Lock()
        self.user = classed(widgets.HBox([html(f'<div class="st-bubble-user">{esc(question)}</div>')],
                                         layout=widgets.Layout(justify_content="flex-end", width="100%")),
                            "st-msg", "st-msg-user-row")
        self.status = html('<div class="st-thinking"><span class="st-spinner"></span> Thinking…</div>')
        self.answer = html("", "st-answer")
        self.sql = classed(widgets.Textarea(layout=widgets.Layout(width="100%", height="96px")), "st-sql")
        self.rerun = button("Re-run", "st-rerun", icon="play", tooltip="Run the edited SQL (read-only sandbox)")
        self.rerun.on_click(lambda _b: self.tab.rerun(self))
        self.sql_note = html("", "st-status")
        self.sql_box = vbox([html('<span class="st-section-label">SQL</span>'), self.sql,
                             hbox([self.rerun, self.sql_note], "st-row", align_items="center")], "st-sql-box")
        self.sql_box.layout.display = "none"
        self.table = html()
        self.table.layout.display = "none"
        self.chart = classed(widgets.Image(format="png", layout=widgets.Layout(max_width="760px", width="auto")),
                             "st-chart")
        self.chart.layout.display = "none"
        self.notes = html()
        self.bubble = vbox([html('<div class="st-who">Assistant</div>'), self.status, self.answer, self.notes,
                            self.sql_box, self.table, self.chart], "st-bubble-bot")
        self.bot = vbox([self.bubble], "st-msg", "st-msg-bot")
        self.result = None

    @property
    def widgets(self) -> list:
        return [self.user, self.bot]

    # -- streaming
    def on_event(self, event: Any) -> None:
        kind = getattr(event, "type", None) or (event.get("type") if isinstance(event, dict) else None)
        get = (lambda k: event.get(k)) if isinstance(event, dict) else (lambda k: getattr(event, k, None))
        if kind == "status":
            self.status.value = f'<div class="st-thinking"><span class="st-spinner"></span> {esc(get("text") or "")}</div>'
        elif kind in ("text", "text_delta", "delta"):
            with self._lock:
                self.text += get("text") or ""
            self._render_text(final=False)
        elif kind == "sql":
            self.show_sql(get("sql"))
            self.status.value = '<div class="st-thinking"><span class="st-spinner"></span> Running the query…</div>'
        elif kind == "table":
            if get("sql"):
                self.show_sql(get("sql"))
            self.show_table(get("df"), get("row_count"), bool(get("truncated")))
        elif kind == "sql_error":
            what = "refused by the sandbox" if get("refused") else "failed"
            self.notes.value = notice("warning", f"A query {what}: {get('reason') or ''}".strip()
                                      + (" The assistant is correcting it…" if not get("refused") else ""))
        elif kind == "chart":
            fig = get("figure")
            if fig is not None:
                self.show_chart(fig)
        elif kind == "refusal":
            self.show_refusal(get("category"), get("reason"))
        elif kind == "error":
            self.status.value = ""
            self.notes.value = notice("error", get("reason") or "The assistant could not answer.")

    def _render_text(self, final: bool) -> None:
        now = time.monotonic()
        if not final and now - self._last_render < STREAM_INTERVAL:
            return
        self._last_render = now
        with self._lock:
            text = self.text
        cursor = "" if final else '<span class="st-cursor"></span>'
        if text:
            self.status.value = ""
        self.answer.value = markdown_html(text) + cursor if text else ""

    def show_sql(self, sql: str | None) -> None:
        if not sql:
            return
        self.sql.value = sql.strip()
        self.sql_box.layout.display = "flex"

    def show_table(self, df, row_count=None, truncated=False) -> None:
        if df is None:
            return
        total = row_count if isinstance(row_count, int) else len(df)
        note = ('<div class="st-note">The result was capped by the sandbox row limit.</div>' if truncated else "")
        self.table.value = ('<div class="st-section-label" style="margin-bottom:6px">Result</div>'
                            + table_html(df, limit=TABLE_ROWS, total=total) + note)
        self.table.layout.display = "flex"

    def show_chart(self, fig) -> None:
        self.chart.value = figure_png(fig)
        self.chart.layout.display = "flex"

    def show_refusal(self, category, reason) -> None:
        self.status.value = ""
        label = CATEGORY_NAMES.get(category or "", category or "refused")
        self.answer.value = (f'<div class="st-refusal"><b>I can’t help with that</b> {badge(label, "bad")}'
                             f'<div style="margin-top:4px">{esc(reason or "")}</div></div>')

    # -- the final result is authoritative
    def finish(self, result) -> None:
        self.result = result
        self.status.value = ""
        if getattr(result, "blocked", False):
            self.show_refusal(getattr(result, "category", None), getattr(result, "reason", None) or result.text)
            return
        text = getattr(result, "text", "") or ""
        if getattr(result, "status", "ok") == "error":
            self.notes.value = notice("error", getattr(result, "reason", None) or text or "The assistant could not answer.")
            if text and text != getattr(result, "reason", None):
                with self._lock:
                    self.text = text
                self._render_text(final=True)
            else:
                self.answer.value = ""
        else:
            with self._lock:
                self.text = text or self.text
            self._render_text(final=True)
            if self.notes.value and "correcting" in self.notes.value and getattr(result, "df", None) is not None:
                self.notes.value = ""  # the self-correction worked
        if getattr(result, "sql", None):
            self.show_sql(result.sql)
        if getattr(result, "df", None) is not None:
            self.show_table(result.df, getattr(result, "row_count", None), getattr(result, "truncated", False))
        if getattr(result, "figure", None) is not None and self.chart.layout.display == "none":
            self.show_chart(result.figure)

    def not_configured(self) -> None:
        """No LLM endpoint: say so in dashboard terms, with a way to the Settings page."""
        self.status.value = ""
        self.answer.value = ""
        self.notes.value = notice("warning", "No language model is configured yet. Set an endpoint, model and key "
                                  "in Settings (OpenAI, Azure, or a local server such as Ollama, vLLM or LM Studio). "
                                  "Meanwhile you can type SQL in the box below and press Re-run.")
        self.sql_box.layout.display = "flex"
        if self.tab.open_settings is not None:
            go = button("Open Settings", "st-primary", icon="cog")
            go.on_click(lambda _b: self.tab.open_settings())
            self.bubble.children = tuple(self.bubble.children) + (go,)

    def fail(self, exc: BaseException) -> None:
        self.status.value = ""
        self.notes.value = error_html(exc, "The assistant could not answer")


class TalkTab(widgets.VBox):
    def __init__(self, store=None, open_settings: Callable[[], None] | None = None):
        self.store = store
        self.open_settings = open_settings
        self.worker = Worker("talk")
        self.session = None
        self.turns: list[Turn] = []

        self.dataset = widgets.Dropdown(options=[], layout=widgets.Layout(width="260px"))
        self.dataset.observe(self._dataset_changed, "value")
        self.refresh_button = button("", "st-ghost", icon="refresh", tooltip="Refresh the list of datasets")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.new_button = button("New conversation", "st-new", icon="plus")
        self.new_button.on_click(lambda _b: self.new_conversation())

        self.conversation = vbox([], "st-chat", width="100%")
        self.empty = html()
        self.suggestions = hbox([], "st-row", justify_content="center")
        self.empty_box = vbox([self.empty, self.suggestions], "st-empty-box")
        self.question = classed(widgets.Textarea(placeholder="Ask a question about your data…",
                                                 layout=widgets.Layout(width="100%", height="64px")), "st-question")
        self.send_button = button("Send", "st-primary", "st-big", "st-send", icon="paper-plane")
        self.send_button.on_click(lambda _b: self.send())
        composer = hbox([self.question, self.send_button], "st-composer")
        self.status = html()

        head = html('<div class="st-page-title">Talk to your data</div>'
                    '<div class="st-page-sub">Ask in plain language. Every answer shows its SQL (editable), '
                    'the result and a chart when it helps. Queries run read-only in a sandbox.</div>')
        toolbar = hbox([html('<span class="st-label">Dataset</span>'), self.dataset, self.refresh_button,
                        self.new_button], "st-toolbar", align_items="center")
        self.chat_card = card([self.empty_box, self.conversation, composer, self.status], "", "", "st-chat-card")
        super().__init__([hbox([head, toolbar], "st-page-head"), self.chat_card], layout=widgets.Layout(width="100%"))
        self.add_class("st-page")
        self.add_class("st-talk")
        self.refresh()

    # ------------------------------------------------------------------ datasets
    def refresh(self, select: str | None = None) -> None:
        try:
            names = api.list_datasets(self.store)
        except Exception as exc:  # noqa: BLE001
            self.status.value = error_html(exc, "Cannot list datasets")
            names = []
        current = select or self.dataset.value or None
        if not current:
            try:
                active = api.active_dataset(self.store)
                current = active.name if active is not None else None
            except Exception:  # noqa: BLE001
                current = None
        if names:
            self.dataset.options = names
            self.dataset.value = current if current in names else names[-1]
        else:
            self.dataset.options = [("No datasets yet", "")]
            self.dataset.index = 0
        self.dataset.disabled = not names
        self._update_empty()

    def _dataset_changed(self, change) -> None:
        if change["old"] != change["new"]:
            self.session = None
            if self.turns:
                self._clear()
            self._update_empty()

    def _open(self):
        name = self.dataset.value
        if not name:
            raise SynthTalkError("No dataset yet: generate one on the Data Generation page first.")
        return api.open_dataset(name, store=self.store)

    def _update_empty(self) -> None:
        name = self.dataset.value
        if self.turns:
            self.empty_box.layout.display = "none"
            return
        self.empty_box.layout.display = "flex"
        if not name:
            self.empty.value = ('<div class="st-empty"><div class="st-empty-title">No dataset yet</div>'
                                'Generate one on the <b>Data Generation</b> page, then come back to ask about it.</div>')
            self.suggestions.children = []
            return
        try:
            tables = list(api.open_dataset(name, store=self.store).tables)
        except Exception:  # noqa: BLE001
            tables = []
        self.empty.value = (f'<div class="st-empty"><div class="st-empty-title">Ask anything about '
                            f'<code>{esc(name)}</code></div>{len(tables)} tables: '
                            f'{esc(", ".join(t.split(".")[-1] for t in tables[:8]))}{"…" if len(tables) > 8 else ""}'
                            f'<br>Try one of these:</div>')
        chips = []
        for s in suggestions_for(tables):
            b = button(s, "st-suggest")
            b.on_click(lambda _b, s=s: self._suggest(s))
            chips.append(b)
        self.suggestions.children = chips

    def _suggest(self, text: str) -> None:
        self.question.value = text
        self.send()

    # ------------------------------------------------------------------ conversation
    def _get_session(self, ds):
        if self.session is None:
            from ..chat import ChatSession

            self.session = ChatSession(ds.name)
        return self.session

    def _clear(self) -> None:
        self.turns = []
        self.conversation.children = []

    def new_conversation(self) -> None:
        if self.session is not None and hasattr(self.session, "reset"):
            try:
                self.session.reset()
            except Exception:  # noqa: BLE001
                self.session = None
        self.session = None
        self._clear()
        self.status.value = ""
        self._update_empty()

    def send(self, question: str | None = None) -> None:
        text = (question if question is not None else self.question.value).strip()
        if not text:
            self.status.value = notice("info", "Type a question first.")
            return
        if self.worker.busy:
            self.status.value = notice("info", "Still answering the previous question…")
            return
        self.status.value = ""
        turn = Turn(self, text)
        self.turns.append(turn)
        self.empty_box.layout.display = "none"
        self.conversation.children = tuple(self.conversation.children) + tuple(turn.widgets)
        self.question.value = ""

        def job():
            ds = self._open()
            session = self._get_session(ds)
            settings = _settings()
            result = api.ask(text, ds, session=session, settings=settings, on_event=turn.on_event)
            if getattr(result, "status", "ok") == "error" and not settings.llm_configured:
                turn.not_configured()
            else:
                turn.finish(result)

        self._run(job, turn.fail)

    def rerun(self, turn: Turn) -> None:
        sql = turn.sql.value.strip()
        if not sql:
            turn.sql_note.value = "Type a query first."
            return

        def job():
            turn.sql_note.value = '<span class="st-spinner"></span> Running…'
            ds = self._open()
            result = api.run_sql(sql, ds)
            if getattr(result, "blocked", False) or getattr(result, "status", "ok") != "ok" or result.df is None:
                reason = getattr(result, "reason", None) or getattr(result, "text", None) or "The query did not run."
                turn.sql_note.value = notice("error", reason)
                return
            turn.show_table(result.df, getattr(result, "row_count", None), getattr(result, "truncated", False))
            if getattr(result, "figure", None) is not None:
                turn.show_chart(result.figure)
            n = getattr(result, "row_count", None)
            n = n if isinstance(n, int) else len(result.df)
            turn.sql_note.value = badge(f"✓ re-ran · {n:,} row{'s' if n != 1 else ''}", "ok")

        self._run(job, lambda exc: setattr(turn.sql_note, "value", notice("error", error_text(exc))))

    # ------------------------------------------------------------------ plumbing
    def _set_busy(self, busy: bool) -> None:
        self.send_button.disabled = busy
        self.new_button.disabled = busy
        for t in self.turns:
            t.rerun.disabled = busy
        for b in self.suggestions.children:
            b.disabled = busy

    def _run(self, job: Callable[[], None], on_error: Callable[[BaseException], None]) -> bool:
        if self.worker.busy:
            self.status.value = notice("info", "Still working on the previous request…")
            return False
        self._set_busy(True)
        return self.worker.start(job, on_error, on_done=lambda: self._set_busy(False))

    def wait(self, timeout: float | None = 120) -> None:
        self.worker.wait(timeout)
