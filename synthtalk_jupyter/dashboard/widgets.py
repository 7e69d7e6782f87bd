"""Small building blocks: cards, fields, notices, download links, background work."""

from __future__ import annotations

import base64
import html as _html_mod
import logging
import threading
from typing import Any, Callable, Iterable

import ipywidgets as widgets

log = logging.getLogger("synthtalk_jupyter.dashboard")

# Above this size a download is not offered as an in-page link (the browser holds it in memory twice).
MAX_LINK_BYTES = 60 * 1024 * 1024


def esc(value: Any) -> str:
    return _html_mod.escape(str(value), quote=True)


def classed(widget, *classes: str):
    for c in classes:
        widget.add_class(c)
    return widget


def html(value: str = "", *classes: str, **layout) -> widgets.HTML:
    return classed(widgets.HTML(value, layout=widgets.Layout(**layout) if layout else widgets.Layout()), *classes)


def vbox(children: Iterable = (), *classes: str, **layout) -> widgets.VBox:
    return classed(widgets.VBox(list(children), layout=widgets.Layout(**layout)), *classes)


def hbox(children: Iterable = (), *classes: str, **layout) -> widgets.HBox:
    return classed(widgets.HBox(list(children), layout=widgets.Layout(**layout)), *classes)


def button(label: str, *classes: str, icon: str = "", tooltip: str = "", **layout) -> widgets.Button:
    b = widgets.Button(description=label, icon=icon, tooltip=tooltip or label,
                       layout=widgets.Layout(width="auto", **layout))
    return classed(b, *classes)


def field(label: str, widget, help: str = "", **layout) -> widgets.VBox:
    """A form field: label above the input, optional help below."""
    parts = [html(f'<span class="st-label">{esc(label)}</span>')]
    parts.append(widget)
    if help:
        parts.append(html(f'<span class="st-help">{esc(help)}</span>'))
    return vbox(parts, "st-field", **layout)


def card(children: Iterable, title: str = "", subtitle: str = "", *classes: str, **layout) -> widgets.VBox:
    head = []
    if title:
        sub = f'<div class="st-card-sub">{esc(subtitle)}</div>' if subtitle else ""
        head.append(html(f'<div class="st-card-title">{esc(title)}</div>{sub}'))
    return vbox([*head, *children], "st-card", *classes, **layout)


ICONS = {"info": "i", "success": "✓", "warning": "!", "error": "✕"}


def notice(kind: str, message: str, items: Iterable[str] = (), raw: bool = False) -> str:
    """HTML for a notice box (kind: info, success, warning, error). Text is escaped unless raw."""
    body = message if raw else esc(message).replace("\n", "<br>")
    lst = [i for i in items if i]
    if lst:
        body += "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in lst) + "</ul>"
    return (f'<div class="st-notice {kind}"><span class="st-ico">{ICONS.get(kind, "i")}</span>'
            f"<div>{body}</div></div>")


def badge(text: str, kind: str = "neutral") -> str:
    return f'<span class="st-badge {kind}">{esc(text)}</span>'


def error_text(exc: BaseException) -> str:
    """A readable one-paragraph message for any exception (never a traceback)."""
    from ..errors import SynthTalkError

    if isinstance(exc, SynthTalkError):
        return str(exc)
    msg = str(exc).strip() or exc.__class__.__name__
    return f"Something went wrong ({exc.__class__.__name__}): {msg}"


def error_html(exc: BaseException, title: str = "") -> str:
    text = error_text(exc)
    if title:
        return notice("error", f"<b>{esc(title)}</b><br>{esc(text)}".replace("\n", "<br>"), raw=True)
    return notice("error", text)


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def download_link(data: bytes, filename: str, label: str, mime: str = "application/octet-stream",
                  main: bool = False) -> str:
    """An ``<a download>`` with the file inline as a data URI: works in JupyterLab and in Voilà."""
    if len(data) > MAX_LINK_BYTES:
        return (f'<span class="st-badge warn" title="Too large for an in-page download: use the Python API '
                f'(ds.to_zip / ds.to_csv)">{esc(filename)}: {human_bytes(len(data))}, too large for a link</span>')
    b64 = base64.b64encode(data).decode("ascii")
    cls = "st-dl main" if main else "st-dl"
    return (f'<a class="{cls}" download="{esc(filename)}" href="data:{mime};base64,{b64}" '
            f'data-filename="{esc(filename)}">⬇ {esc(label)} <small>{human_bytes(len(data))}</small></a>')


def table_html(df, limit: int = 20, total: int | None = None) -> str:
    """A readable, escaped, scrollable table with a truncation note."""
    from ..display import frame_html

    if df is None:
        return ""
    body = frame_html(df, limit=limit, total=total)
    # frame_html appends its note after the table: keep the note outside the scroll area
    note = ""
    marker = '<div class="stj-note">'
    if marker in body:
        body, _, rest = body.partition(marker)
        note = marker + rest
    return f'<div class="st-table-wrap">{body}</div>{note}'


def markdown_html(text: str) -> str:
    """Model text to safe HTML (raw HTML in the text is escaped, never rendered)."""
    if not text:
        return ""
    try:
        import mistune

        md = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
        return md(text)
    except Exception:  # mistune missing or a version without these options
        paras = [p for p in esc(text).split("\n\n")]
        return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paras)


class Worker:
    """Runs one job at a time in a daemon thread; errors go to ``on_error``, never to stderr.

    Widgets are updated from the thread only through trait assignments (``.value``,
    ``.children``), which ipywidgets sends as comm messages: that renders in Voilà too.
    """

    def __init__(self, name: str):
        self.name = name
        self.thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self, job: Callable[[], None], on_error: Callable[[BaseException], None],
              on_done: Callable[[], None] | None = None) -> bool:
        if self.busy:
            return False

        def run():
            try:
                job()
            except BaseException as exc:  # noqa: BLE001 - shown to the user, logged for us
                log.debug("%s failed", self.name, exc_info=True)
                try:
                    on_error(exc)
                except Exception:
                    log.debug("error handler failed", exc_info=True)
            finally:
                if on_done is not None:
                    try:
                        on_done()
                    except Exception:
                        log.debug("done handler failed", exc_info=True)

        self.thread = threading.Thread(target=run, name=f"synthtalk-{self.name}", daemon=True)
        self.thread.start()
        return True

    def wait(self, timeout: float | None = 120) -> None:
        t = self.thread
        if t is not None:
            t.join(timeout)
