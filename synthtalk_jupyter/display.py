"""HTML rendering of datasets, validation reports and chat results.

Pure: returns strings, imports nothing from IPython or ipywidgets. The magics and the
dashboard decide where the HTML goes.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any, Iterable

import pandas as pd

CSS = """
<style>
.stj{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;font-size:13px;color:#1f2937;max-width:1100px}
.stj .stj-head{display:flex;align-items:baseline;gap:10px;margin:4px 0 8px}
.stj .stj-title{font-size:15px;font-weight:600}
.stj .stj-muted{color:#6b7280}
.stj .stj-badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:11.5px;font-weight:600}
.stj .ok{background:#dcfce7;color:#166534}.stj .bad{background:#fee2e2;color:#991b1b}.stj .warn{background:#fef3c7;color:#92400e}
.stj details{border:1px solid #e5e7eb;border-radius:8px;margin:6px 0;padding:4px 10px;background:#fff}
.stj summary{cursor:pointer;padding:3px 0;font-weight:500}
.stj table.stj-df{border-collapse:collapse;margin:6px 0;font-size:12px}
.stj table.stj-df th{background:#f3f4f6;text-align:left;padding:4px 8px;border-bottom:1px solid #d1d5db;white-space:nowrap}
.stj table.stj-df td{padding:3px 8px;border-bottom:1px solid #f1f5f9;max-width:280px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.stj table.stj-df tr:nth-child(even) td{background:#fafafa}
.stj .stj-null{color:#9ca3af;font-style:italic}
.stj .stj-note{color:#6b7280;font-size:12px;margin:2px 0 6px}
.stj ul.stj-notices{margin:4px 0 6px 18px;padding:0;color:#92400e;font-size:12px}
.stj pre.stj-sql{background:#0f172a;color:#e2e8f0;padding:8px 10px;border-radius:6px;font-size:12px;overflow-x:auto;white-space:pre-wrap}
.stj .stj-answer{line-height:1.5;margin:4px 0 8px;white-space:pre-wrap}
.stj .stj-refused{border-left:4px solid #dc2626;background:#fef2f2;padding:6px 10px;border-radius:4px}
.stj .stj-error{border-left:4px solid #d97706;background:#fffbeb;padding:6px 10px;border-radius:4px}
.stj img.stj-chart{max-width:720px;border:1px solid #e5e7eb;border-radius:6px}
</style>
"""


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def frame_html(df: pd.DataFrame | None, limit: int = 10, total: int | None = None) -> str:
    """A compact, escaped HTML table with a truncation note."""
    if df is None:
        return ""
    total = len(df) if total is None else total
    shown = df.head(limit)
    head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
    rows = []
    for rec in shown.itertuples(index=False, name=None):
        cells = []
        for v in rec:
            if v is None or (not isinstance(v, (list, tuple, dict, bytes)) and _isna(v)):
                cells.append('<td class="stj-null">NULL</td>')
            else:
                text = v.hex() if isinstance(v, (bytes, bytearray)) else str(v)
                if len(text) > 120:
                    text = text[:117] + "…"
                cells.append(f"<td title=\"{esc(text)}\">{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = ""
    if total > len(shown):
        note = f'<div class="stj-note">showing {len(shown):,} of {total:,} rows</div>'
    return f'<table class="stj-df"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{note}'


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def badge(ok: bool, yes: str = "valid", no: str = "violations") -> str:
    return f'<span class="stj-badge {"ok" if ok else "bad"}">{esc(yes if ok else no)}</span>'


def notices_html(notices: Iterable[str]) -> str:
    items = [n for n in notices if n]
    if not items:
        return ""
    return '<ul class="stj-notices">' + "".join(f"<li>{esc(n)}</li>" for n in items) + "</ul>"


def report_html(report) -> str:
    """Validation report: one line when all is well, a table of violations otherwise."""
    if report is None:
        return ""
    ok = bool(getattr(report, "ok", False))
    if ok:
        checked = getattr(report, "summary", None)
        text = checked() if callable(checked) else "0 violations: PK, UNIQUE, FK, NOT NULL, CHECK and types all hold"
        return f'<div>{badge(True, "valid")} <span class="stj-muted">{esc(text)}</span></div>'
    frame = report.to_frame() if hasattr(report, "to_frame") else None
    if frame is not None and "count" in frame.columns:
        frame = frame[frame["count"] > 0]
    return f"<div>{badge(False)} </div>" + frame_html(frame, limit=50)


def dataset_html(ds, limit: int = 10, max_open: int = 3) -> str:
    """Summary, notices, validation and a preview per table."""
    counts = dict(getattr(ds, "row_counts", {}) or {})
    tables = list(ds.tables)
    total = sum(counts.values()) if counts else 0
    report = getattr(ds, "report", None)
    parts = [CSS, '<div class="stj">', '<div class="stj-head">',
             f'<span class="stj-title">Dataset <code>{esc(ds.name)}</code></span>',
             f'<span class="stj-muted">{len(tables)} tables · {total:,} rows</span>']
    if report is not None:
        parts.append(badge(bool(report.ok)))
    parts.append("</div>")
    parts.append(notices_html(getattr(ds, "notices", []) or []))
    if report is not None and not report.ok:
        parts.append(report_html(report))
    for i, t in enumerate(tables):
        n = counts.get(t)
        try:
            df = ds.preview(t, limit)
        except Exception as exc:  # a preview must never break the display
            df = None
            body = f'<div class="stj-error">{esc(exc)}</div>'
        else:
            body = frame_html(df, limit=limit, total=n)
        opened = " open" if i < max_open else ""
        rows = f"{n:,} rows" if n is not None else ""
        parts.append(f'<details{opened}><summary>{esc(t)} <span class="stj-muted">{rows}</span></summary>{body}</details>')
    if report is not None and report.ok:
        parts.append(report_html(report))
    parts.append("</div>")
    return "".join(parts)


def figure_png(fig, dpi: int = 110) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def figure_img(fig) -> str:
    data = base64.b64encode(figure_png(fig)).decode("ascii")
    return f'<img class="stj-chart" alt="chart" src="data:image/png;base64,{data}"/>'


def sql_html(sql: str | None) -> str:
    if not sql:
        return ""
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import SqlLexer

        fmt = HtmlFormatter(nowrap=True, noclasses=True, style="monokai")
        body = highlight(sql, SqlLexer(), fmt)
    except Exception:
        body = esc(sql)
    return f'<pre class="stj-sql">{body}</pre>'


def chat_html(result, limit: int = 20, include_text: bool = True) -> str:
    """A chat turn: answer, SQL, table, chart; a refusal or an error stands out."""
    parts = [CSS, '<div class="stj">']
    if getattr(result, "blocked", False):
        parts.append(f'<div class="stj-refused"><b>Refused.</b> {esc(getattr(result, "reason", "") or "")}</div>')
    elif getattr(result, "error", None) and not getattr(result, "text", None):
        parts.append(f'<div class="stj-error">{esc(result.error)}</div>')
    elif getattr(result, "reason", None) and not getattr(result, "text", None) and getattr(result, "df", None) is None:
        parts.append(f'<div class="stj-error">{esc(result.reason)}</div>')
    if include_text and getattr(result, "text", None):
        parts.append(f'<div class="stj-answer">{esc(result.text)}</div>')
    parts.append(sql_html(getattr(result, "sql", None)))
    df = getattr(result, "df", None)
    if df is not None:
        total = getattr(result, "row_count", None) or len(df)
        parts.append(frame_html(df, limit=limit, total=total))
        if getattr(result, "truncated", False):
            parts.append('<div class="stj-note">the result was capped by the sandbox row limit</div>')
    fig = getattr(result, "figure", None)
    if fig is not None:
        parts.append(figure_img(fig))
    parts.append("</div>")
    return "".join(parts)
