"""Data Generation: schema in (upload or paste), parameters, Generate with progress,
a preview per table with validation status, per-table modification, downloads."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import ipywidgets as widgets

from .. import api
from ..errors import DDLError, SynthTalkError
from .widgets import (Worker, badge, button, card, classed, error_html, esc, field, hbox, html, notice, table_html,
                      vbox, download_link)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "shop.sql"
ACCEPT = ".sql,.txt,.ddl"
INLINE_DDL_LIMIT = 512 * 1024  # bigger uploads stay server-side instead of filling the text box
PREVIEW_ROWS = 20
NAME_HELP = '<span class="st-help">letters, digits and _</span>'
AUTO_DOWNLOAD_ROWS = 200_000  # above this, download files are built on request


def example_ddl() -> str:
    try:
        return EXAMPLE.read_text(encoding="utf-8")
    except OSError:
        return ""


def decode_upload(raw: bytes, filename: str = "") -> str:
    """Uploaded bytes to text; a binary file is a DDLError."""
    if b"\x00" in raw[:65536] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DDLError(f"{filename or 'The file'} looks like a binary file, not SQL text.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def dataset_name_from(filename: str) -> str:
    stem = Path(filename).stem
    name = re.sub(r"[^A-Za-z0-9_]+", "_", stem).strip("_").lower() or "synth"
    if not re.match(r"[A-Za-z_]", name):
        name = "d_" + name
    return name[:63]


def _settings():
    from ..config import get_settings

    return get_settings()


class _ProgressCallback:
    """The progress callback for api.generate. Falsy on purpose: ``generate`` also draws a tqdm
    bar when ``bool(progress)`` is true, and in the dashboard that bar would pop up outside the
    app (drawn from a background thread); the dashboard has its own progress bar."""

    def __init__(self, fn: Callable[[int, int, str], None]):
        self.fn = fn

    def __call__(self, done: int, total: int, table: str) -> None:
        self.fn(done, total, table)

    def __bool__(self) -> bool:
        return False


def table_status(report, table: str) -> tuple[bool | None, int]:
    """(ok, violations) for one table from a validation report, whatever its exact shape."""
    if report is None:
        return None, 0
    count = getattr(report, "count", None)
    if callable(count):
        try:
            n = int(count(table=table))
            return n == 0, n
        except Exception:
            pass
    try:
        frame = report.to_frame() if hasattr(report, "to_frame") else None
    except Exception:
        frame = None
    if frame is not None and "table" in getattr(frame, "columns", []):
        col = "count" if "count" in frame.columns else ("violations" if "violations" in frame.columns else None)
        if col is not None:
            sub = frame[frame["table"].astype(str).str.lower() == table.lower()]
            n = int(sub[col].sum()) if len(sub) else 0
            return n == 0, n
    for attr in ("by_table", "tables", "per_table"):
        per = getattr(report, attr, None)
        if isinstance(per, dict) and table in per:
            v = per[table]
            n = v if isinstance(v, int) else (sum(v.values()) if isinstance(v, dict) else int(not getattr(v, "ok", True)))
            return n == 0, int(n)
    ok = bool(getattr(report, "ok", True))
    return ok, 0 if ok else -1


def _record(item: Any) -> dict:
    if isinstance(item, dict):
        return item
    if hasattr(item, "to_dict"):
        try:
            return dict(item.to_dict())
        except Exception:
            pass
    if hasattr(item, "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(item)
    return {k: v for k, v in vars(item).items() if not k.startswith("_")} if hasattr(item, "__dict__") else {"": item}


def history_html(items) -> str:
    """The dataset's versions, newest first: version, when, what changed, rows, status."""
    rows = [_record(i) for i in (items or [])]
    if not rows:
        return notice("info", "No versions yet.")
    body = []
    for r in reversed(rows):
        when = r.get("created_at") or r.get("at") or ""
        if hasattr(when, "strftime"):
            when = when.strftime("%Y-%m-%d %H:%M:%S")
        action = r.get("action") or ""
        what = r.get("instruction") or r.get("sql") or ""
        if action == "generate":
            what = what or "generated"
        elif action == "undo" and r.get("undoes") is not None:
            what = f"undo of v{r['undoes']}"
        what = str(what)
        if len(what) > 140:
            what = what[:137] + "…"
        changed = r.get("rows_changed")
        if isinstance(changed, dict):
            changed = sum(v for v in changed.values() if isinstance(v, int)) if changed else ""
        status = r.get("status") or ""
        kind = "ok" if status == "applied" else ("neutral" if status else "neutral")
        table = r.get("table") or ""
        body.append(f"<tr><td><b>v{esc(r.get('version', ''))}</b></td><td>{esc(when)}</td><td>{esc(action)}</td>"
                    f"<td>{esc(table)}</td><td>{esc(what)}</td>"
                    f"<td>{esc(f'{changed:,}' if isinstance(changed, int) else (changed or ''))}</td>"
                    f"<td>{badge(status, kind) if status else ''}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ("Version", "When", "Action", "Table", "Change", "Rows", "Status"))
    return f'<div class="st-history"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def change_summary(change: Any) -> tuple[str, str | None]:
    """(one-line summary, SQL applied) of whatever ds.modify returned."""
    if change is None:
        return "Change applied.", None
    rec = _record(change) if not isinstance(change, (str, int)) else {}
    sql = rec.get("sql") or rec.get("statements")
    if isinstance(sql, (list, tuple)):
        sql = ";\n".join(str(s) for s in sql)
    rows = rec.get("rows_changed", rec.get("changed"))
    if isinstance(rows, dict):
        rows_txt = ", ".join(f"{t}: {n:,}" if isinstance(n, int) else f"{t}: {n}" for t, n in rows.items())
    elif rows is not None:
        rows_txt = f"{rows:,}" if isinstance(rows, int) else str(rows)
    else:
        rows_txt = ""
    version = rec.get("version")
    explanation = rec.get("explanation")
    parts = ["Change applied and validated"]
    if version is not None:
        parts.append(f"version {version}")
    if rows_txt:
        parts.append(f"rows changed: {rows_txt}")
    text = " · ".join(parts) + "."
    if explanation:
        text += f" {explanation}"
    return text, sql


class TablePanel(widgets.VBox):
    """One table: stats, preview, and the modify box (instruction or SQL, Submit, Undo, History)."""

    def __init__(self, tab: "GenerationTab", table: str):
        self.tab = tab
        self.table = table
        self.stats = html()
        self.preview = html()
        self.mode = classed(widgets.ToggleButtons(options=["Instruction", "SQL"], value="Instruction",
                                                  layout=widgets.Layout(width="auto")), "st-mode")
        self.mode.style.button_width = "110px"
        self.instruction = classed(widgets.Textarea(
            placeholder=f"Describe a change to {table}, e.g. “make 10% of the rows inactive”",
            layout=widgets.Layout(width="100%", height="64px")), "st-instruction")
        self.submit = button("Submit", "st-primary", "st-submit", icon="magic")
        self.undo = button("Undo", "st-undo", icon="undo", tooltip="Restore the previous version of the dataset")
        self.history = button("History", "st-history-btn", icon="history", tooltip="List the versions of the dataset")
        self.message = html()
        self.history_box = html()
        self.submit.on_click(lambda _b: self.tab.modify(self.table, self.instruction.value, self.mode.value == "SQL"))
        self.undo.on_click(lambda _b: self.tab.undo(self))
        self.history.on_click(lambda _b: self.tab.show_history(self))
        self.mode.observe(self._mode_changed, "value")
        modify = vbox([
            hbox([html('<span class="st-label">Change this table</span>'), self.mode], "st-row",
                 justify_content="space-between", align_items="center"),
            self.instruction,
            hbox([self.submit, self.undo, self.history], "st-row"),
            self.message,
            self.history_box,
        ], "st-modify")
        super().__init__([self.stats, self.preview, modify], layout=widgets.Layout(gap="12px"))
        self.add_class("st-table-panel")

    def _mode_changed(self, change):
        if change["new"] == "SQL":
            self.instruction.placeholder = f"UPDATE {self.table} SET … WHERE …"
            self.instruction.add_class("st-code")
        else:
            self.instruction.placeholder = f"Describe a change to {self.table}, e.g. “make 10% of the rows inactive”"
            self.instruction.remove_class("st-code")

    def render(self, ds, report) -> None:
        counts = getattr(ds, "row_counts", {}) or {}
        n = counts.get(self.table)
        try:
            df = ds.preview(self.table, PREVIEW_ROWS)
        except Exception as exc:  # noqa: BLE001
            self.preview.value = error_html(exc, f"Cannot preview {self.table}")
            df = None
        else:
            self.preview.value = table_html(df, limit=PREVIEW_ROWS, total=n)
        ok, violations = table_status(report, self.table)
        if ok is None:
            status = badge("not validated", "neutral")
        elif ok:
            status = badge("✓ valid", "ok")
        else:
            status = badge(f"✕ {violations:,} violations" if violations > 0 else "✕ violations", "bad")
        ncols = len(df.columns) if df is not None else 0
        rows = f"{n:,} rows" if isinstance(n, int) else "rows: ?"
        self.stats.value = (f'<div class="st-summary"><span class="st-card-title">{esc(self.table)}</span>'
                            f'{badge(rows, "neutral")}{badge(f"{ncols} columns", "neutral")}{status}</div>')

    def set_busy(self, busy: bool) -> None:
        for b in (self.submit, self.undo, self.history):
            b.disabled = busy


class GenerationTab(widgets.VBox):
    def __init__(self, store=None, on_dataset: Callable[[str], None] | None = None, rows: int = 500,
                 example: bool = True):
        self.store = store
        self.on_dataset = on_dataset
        self.worker = Worker("generation")
        self.dataset = None
        self.report = None
        self.panels: dict[str, TablePanel] = {}
        self._big_ddl: str | None = None
        self._name_touched = False
        self._last_progress = 0.0

        # -- stored datasets
        self.stored = widgets.Dropdown(options=[], layout=widgets.Layout(width="260px"))
        self.open_button = button("Open", "st-open", icon="folder-open")
        self.refresh_button = button("", "st-ghost", icon="refresh", tooltip="Refresh the list")
        self.open_button.on_click(lambda _b: self.open_stored())
        self.refresh_button.on_click(lambda _b: self.refresh_stored())

        # -- schema
        self.upload = widgets.FileUpload(accept=ACCEPT, multiple=False, description="Upload schema",
                                         icon="upload", layout=widgets.Layout(width="auto"))
        self.upload.observe(self._uploaded, "value")
        self.example_button = button("Use the example schema", "st-ghost", icon="file-text-o")
        self.example_button.on_click(lambda _b: self.load_example())
        self.file_info = html()
        self.ddl = classed(widgets.Textarea(placeholder="Paste CREATE TABLE statements here, or upload a .sql / .ddl / .txt file",
                                            layout=widgets.Layout(width="100%", height="260px")), "st-code", "st-ddl")
        self.ddl.observe(self._ddl_typed, "value")

        # -- instructions & parameters
        self.instructions = classed(widgets.Textarea(
            placeholder="Optional: describe the data, e.g. “an outdoor-gear shop in Germany; most orders in Nov–Dec 2024”",
            layout=widgets.Layout(width="100%", height="88px")), "st-instructions")
        self.name = classed(widgets.Text(value="shop" if example else "synth", layout=widgets.Layout(width="100%")),
                            "st-name")
        self.name.observe(self._name_typed, "value")
        self.name_help = html(NAME_HELP)
        self.rows = classed(widgets.Text(value=str(rows), layout=widgets.Layout(width="100%")), "st-rows")
        self.temperature = widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.1, readout_format=".1f",
                                               layout=widgets.Layout(width="100%"))
        self.seed = classed(widgets.Text(value="42", placeholder="random", layout=widgets.Layout(width="100%")), "st-seed")
        self.generate_button = button("Generate", "st-primary", "st-big", "st-generate", icon="bolt")
        self.generate_button.on_click(lambda _b: self.generate())
        self.progress = classed(widgets.IntProgress(value=0, min=0, max=1, layout=widgets.Layout(width="100%")),
                                "st-progress")
        self.progress.layout.visibility = "hidden"
        self.progress_label = html("", "st-status")
        self.status = html()

        # -- results
        self.summary = html()
        self.downloads = html()
        self.prepare_button = button("Prepare downloads", "st-prepare", icon="download")
        self.prepare_button.on_click(lambda _b: self.prepare_downloads())
        self.prepare_button.layout.display = "none"
        self.tables_tab = classed(widgets.Tab(children=[]), "st-tables")
        self.results = card([self.summary, hbox([self.downloads, self.prepare_button], "st-row", align_items="center"),
                             self.tables_tab], "", "", "st-results")
        self.results.layout.display = "none"

        head = html('<div class="st-page-title">Data Generation</div>'
                    '<div class="st-page-sub">Constraint-valid synthetic data from any SQL schema: '
                    'keys, foreign keys, CHECKs and types always hold.</div>')
        stored_bar = hbox([html('<span class="st-label">Stored datasets</span>'), self.stored, self.open_button,
                           self.refresh_button], "st-toolbar", align_items="center")
        page_head = hbox([head, stored_bar], "st-page-head")
        left = vbox([
            hbox([self.upload, self.example_button], "st-row", align_items="center"),
            self.file_info,
            field("Schema (DDL)", self.ddl),
        ], "st-col")
        params = widgets.GridBox(
            [vbox([html('<span class="st-label">Dataset name</span>'), self.name, self.name_help], "st-field"),
             field("Rows per table", self.rows, "N, or orders=5000,*=200"),
             field("Temperature", self.temperature, "diversity: 0 calm … 2 wild"), field("Seed", self.seed, "empty = random")],
            layout=widgets.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))", grid_gap="12px 16px", width="100%"))
        right = vbox([
            field("Instructions", self.instructions, "Applied by the LLM planner when a model is configured in Settings."),
            params,
            hbox([self.generate_button], "st-row"),
            self.progress, self.progress_label,
        ], "st-col")
        schema_card = card([hbox([left, right], "st-cols"), self.status], "Schema and parameters",
                           "Upload or paste your DDL (PostgreSQL, MySQL, SQLite, SQL Server, Oracle, DuckDB…).")
        super().__init__([page_head, schema_card, self.results],
                         layout=widgets.Layout(width="100%"))
        self.add_class("st-page")
        self.add_class("st-generation")
        if example:
            self.load_example()
        self.refresh_stored()

    def open_latest(self) -> None:
        """Show the store's active dataset (the last one generated or opened), if there is one."""
        if not self.stored.disabled:
            self.open_stored(self._latest())

    def _latest(self) -> str | None:
        """The active dataset of the store (the last one generated or opened), else the last listed."""
        try:
            active = api.active_dataset(self.store)
            if active is not None and active.name in self.stored.options:
                return active.name
        except Exception:  # noqa: BLE001
            pass
        return self.stored.value or None

    # ------------------------------------------------------------------ inputs
    def load_example(self) -> None:
        text = example_ddl()
        if not text:
            self.status.value = notice("warning", "The example schema is not installed with this copy.")
            return
        self._big_ddl = None
        self.ddl.disabled = False
        self.ddl.value = text
        if not self._name_touched:
            self._set_name("shop")
        self.file_info.value = (f'<span class="st-help">Example: an online shop — customers, products, orders, '
                                f'order items (composite key), a self-reference and CHECKs.</span>')

    def _set_name(self, name: str) -> None:
        touched = self._name_touched
        self.name.value = name
        self._name_touched = touched

    def _name_typed(self, _change) -> None:
        self._name_touched = True
        self._update_name_help()

    def _update_name_help(self) -> None:
        name = self.name.value.strip()
        if name and not self.stored.disabled and name in self.stored.options:
            self.name_help.value = (f'<span class="st-help" style="color:#b45309">Generating replaces the stored '
                                    f'dataset {esc(name)}</span>')
        else:
            self.name_help.value = NAME_HELP

    def _ddl_typed(self, _change) -> None:
        pass

    def _uploaded(self, change) -> None:
        files = change["new"] or ()
        if not files:
            return
        f = files[0]
        name = f.get("name", "schema.sql") if isinstance(f, dict) else getattr(f, "name", "schema.sql")
        content = f.get("content") if isinstance(f, dict) else getattr(f, "content", b"")
        raw = content.tobytes() if hasattr(content, "tobytes") else bytes(content or b"")
        try:
            text = decode_upload(raw, name)
        except SynthTalkError as exc:
            self.status.value = error_html(exc, "Cannot use this file")
            return
        self.status.value = ""
        size = f"{len(raw) / 1024:,.1f} KB"
        if len(text) > INLINE_DDL_LIMIT:
            self._big_ddl = text
            self.ddl.value = ""
            self.ddl.placeholder = f"{name} ({size}) is loaded; it is too large to show here. Paste text to use it instead."
        else:
            self._big_ddl = None
            self.ddl.value = text
        if not self._name_touched:
            self._set_name(dataset_name_from(name))
        self.file_info.value = f'<span class="st-help">Loaded <b>{esc(name)}</b> · {size}</span>'

    def ddl_text(self) -> str:
        text = self.ddl.value
        if not text.strip() and self._big_ddl:
            return self._big_ddl
        return text

    # ------------------------------------------------------------------ stored datasets
    def refresh_stored(self, select: str | None = None) -> None:
        try:
            names = api.list_datasets(self.store)
        except Exception as exc:  # noqa: BLE001
            self.status.value = error_html(exc, "Cannot list stored datasets")
            names = []
        current = select or self.stored.value
        if names:
            self.stored.options = names
            self.stored.value = current if current in names else names[-1]
        else:
            self.stored.options = [("No stored datasets yet", "")]
            self.stored.index = 0
        self.stored.disabled = not names
        self.open_button.disabled = not names
        if hasattr(self, "name_help"):
            self._update_name_help()

    def open_stored(self, name: str | None = None) -> None:
        name = name or self.stored.value
        if not name:
            return

        def job():
            self._set_status(f'<span class="st-status"><span class="st-spinner"></span> Opening {esc(name)}…</span>')
            ds = api.open_dataset(name, store=self.store)
            self._show_dataset(ds)
            self._set_status("")
            self.stored.value = ds.name
            if self.on_dataset:
                self.on_dataset(ds.name)

        self._run(job, "Cannot open the dataset")

    # ------------------------------------------------------------------ generate
    def _options(self) -> dict:
        ddl = self.ddl_text()
        if not ddl.strip():
            raise DDLError("No schema yet: upload a .sql file or paste CREATE TABLE statements.")
        name = self.name.value.strip() or "synth"
        rows = api.parse_rows(self.rows.value.strip(), 1000) if hasattr(api, "parse_rows") else int(self.rows.value)
        if isinstance(rows, int) and rows < 1:
            raise SynthTalkError("Rows per table must be at least 1.")
        seed_text = self.seed.value.strip()
        if seed_text and not re.fullmatch(r"-?\d+", seed_text):
            raise SynthTalkError(f"The seed must be a whole number (or empty for random), got {seed_text!r}.")
        return dict(ddl=ddl, name=name, rows=rows, seed=int(seed_text) if seed_text else None,
                    temperature=float(self.temperature.value), prompt=self.instructions.value.strip() or None)

    def generate(self) -> None:
        try:
            opts = self._options()
        except Exception as exc:  # noqa: BLE001
            self.status.value = error_html(exc, "Cannot generate yet")
            return

        def job():
            self._progress(0, 1, "")
            self.progress.layout.visibility = "visible"
            self.progress_label.value = '<span class="st-spinner"></span> Reading the schema…'
            t0 = time.monotonic()
            ds = api.generate(opts["ddl"], opts["name"], rows=opts["rows"], seed=opts["seed"],
                              temperature=opts["temperature"], prompt=opts["prompt"], store=self.store,
                              progress=_ProgressCallback(self._progress), settings=_settings())
            elapsed = time.monotonic() - t0
            self.progress_label.value = '<span class="st-spinner"></span> Validating and preparing previews…'
            self._show_dataset(ds)
            total = sum((getattr(ds, "row_counts", {}) or {}).values())
            self.progress.value = self.progress.max
            self.progress_label.value = f"Generated {total:,} rows in {elapsed:.1f} s."
            notices = list(getattr(ds, "notices", []) or [])
            if notices:
                self._set_status(notice("warning", "Generated, with notes:", notices))
            else:
                self._set_status("")
            self.refresh_stored(select=ds.name)
            if self.on_dataset:
                self.on_dataset(ds.name)

        def failed(exc):
            self.progress.layout.visibility = "hidden"
            self.progress_label.value = ""
            self.status.value = error_html(exc, "Generation failed")

        self.status.value = ""
        self._run(job, on_error=failed)

    def _progress(self, done: int, total: int, table: str) -> None:
        now = time.monotonic()
        if done and done < total and now - self._last_progress < 0.1:
            return
        self._last_progress = now
        total = max(int(total), 1)
        self.progress.max = total
        self.progress.value = min(int(done), total)
        if table:
            pct = 100 * done / total
            self.progress_label.value = (f'<span class="st-spinner"></span> Generating <b>{esc(table)}</b> · '
                                         f"{done:,} / {total:,} rows ({pct:.0f}%)")

    # ------------------------------------------------------------------ results
    def _show_dataset(self, ds, keep_tab: bool = False) -> None:
        """Render summary, previews and downloads for a dataset (runs in the worker thread)."""
        try:
            report = ds.validate()
        except Exception as exc:  # noqa: BLE001
            report = None
            self._set_status(error_html(exc, "Validation could not run"))
        self.dataset, self.report = ds, report
        tables = list(ds.tables)
        selected = self.tables_tab.selected_index if keep_tab else 0
        if list(self.panels) != tables:
            self.panels = {t: TablePanel(self, t) for t in tables}
            for p in self.panels.values():
                p.set_busy(self.worker.busy)
                p.render(ds, report)
            self.tables_tab.children = list(self.panels.values())
            self.tables_tab.titles = tuple(tables)
        else:
            for p in self.panels.values():
                p.render(ds, report)
        if tables:
            self.tables_tab.selected_index = selected if selected is not None and selected < len(tables) else 0
        self.summary.value = self._summary_html(ds, report)
        self.results.layout.display = "flex"
        total = sum((getattr(ds, "row_counts", {}) or {}).values())
        if total <= AUTO_DOWNLOAD_ROWS:
            self.prepare_button.layout.display = "none"
            self._build_downloads(ds)
        else:  # exporting millions of rows on every change would keep the page busy: on demand
            self.downloads.value = (f'<div class="st-downloads"><span class="st-label">Download</span>'
                                    f'<span class="st-help">{total:,} rows: the files are built when you ask.</span></div>')
            self.prepare_button.layout.display = "flex"

    def _build_downloads(self, ds) -> None:
        self.downloads.value = '<span class="st-status"><span class="st-spinner"></span> Preparing downloads…</span>'
        self.downloads.value = self._downloads_html(ds)

    def prepare_downloads(self) -> None:
        ds = self.dataset
        if ds is None:
            return

        def job():
            self._build_downloads(ds)
            self.prepare_button.layout.display = "none"

        self._run(job, "Downloads could not be prepared")

    @staticmethod
    def _summary_html(ds, report) -> str:
        counts = getattr(ds, "row_counts", {}) or {}
        total = sum(counts.values())
        if report is None:
            valid = badge("not validated", "neutral")
        elif getattr(report, "ok", False):
            valid = badge("✓ 0 violations", "ok")
        else:
            valid = badge("✕ constraint violations", "bad")
        stats = (f'<div class="st-stat"><b>{len(ds.tables)}</b><span>tables</span></div>'
                 f'<div class="st-stat"><b>{total:,}</b><span>rows</span></div>')
        return (f'<div class="st-summary" style="justify-content:space-between">'
                f'<div><div class="st-summary-name">Dataset <code>{esc(ds.name)}</code> {valid}</div>'
                f'<div class="st-card-sub">PK, UNIQUE, FK, NOT NULL, CHECK and type checks run after every change.</div></div>'
                f'<div class="st-stats">{stats}</div></div>')

    def _downloads_html(self, ds) -> str:
        links = []
        with tempfile.TemporaryDirectory(prefix="synthtalk-dl-") as tmp:
            tmpdir = Path(tmp)
            try:
                zpath = tmpdir / f"{ds.name}.zip"
                ds.to_zip(zpath)
                links.append(download_link(zpath.read_bytes(), zpath.name, "All tables (ZIP)", "application/zip", main=True))
            except Exception as exc:  # noqa: BLE001
                links.append(badge(f"ZIP unavailable: {exc}", "warn"))
            try:
                spath = tmpdir / f"{ds.name}_inserts.sql"
                ds.to_sql(spath)
                links.append(download_link(spath.read_bytes(), spath.name, "INSERT script", "application/sql"))
            except Exception as exc:  # noqa: BLE001
                links.append(badge(f"INSERT script unavailable: {exc}", "warn"))
            try:
                cdir = tmpdir / "csv"
                ds.to_csv(cdir)
                for t in ds.tables:
                    p = self._csv_path(cdir, t)
                    if p is not None:
                        links.append(download_link(p.read_bytes(), p.name, f"{t}.csv", "text/csv"))
            except Exception as exc:  # noqa: BLE001
                links.append(badge(f"CSV unavailable: {exc}", "warn"))
        return ('<div class="st-downloads"><span class="st-label" style="margin-right:4px">Download</span>'
                + "".join(links) + "</div>")

    @staticmethod
    def _csv_path(cdir: Path, table: str) -> Path | None:
        for cand in (cdir / f"{table}.csv", cdir / f"{table.split('.')[-1]}.csv"):
            if cand.exists():
                return cand
        matches = [p for p in cdir.rglob("*.csv") if p.stem.lower() in (table.lower(), table.split(".")[-1].lower())]
        return matches[0] if matches else None

    # ------------------------------------------------------------------ modify / undo / history
    def _need_dataset(self):
        if self.dataset is None:
            raise SynthTalkError("Generate or open a dataset first.")
        return self.dataset

    def modify(self, table: str, text: str, as_sql: bool = False) -> None:
        panel = self.panels.get(table)
        if panel is None:
            return
        if not text.strip():
            panel.message.value = notice("warning", "Type an instruction (or SQL) first.")
            return
        ds = self.dataset
        if ds is None or not hasattr(ds, "modify"):
            panel.message.value = notice("info", "Modifying tables is not available in this version yet.")
            return

        def job():
            panel.message.value = '<span class="st-status"><span class="st-spinner"></span> Applying and validating…</span>'
            if as_sql:
                change = ds.modify(table, sql=text)
            else:
                change = ds.modify(table, text, settings=_settings())
            summary, sql = change_summary(change)
            fresh = api.open_dataset(ds.name, store=self.store)
            self._show_dataset(fresh, keep_tab=True)
            sql_part = f'<pre class="st-sql-pre">{esc(sql)}</pre>' if sql else ""
            panel.message.value = notice("success", f"{esc(summary)}{sql_part}", raw=True)
            panel.instruction.value = ""
            if self.on_dataset:
                self.on_dataset(ds.name)

        self._run(job, on_error=lambda exc: setattr(panel.message, "value", error_html(exc, "Change not applied")))

    def undo(self, panel: TablePanel) -> None:
        ds = self.dataset
        if ds is None or not hasattr(ds, "undo"):
            panel.message.value = notice("info", "Undo is not available in this version yet.")
            return

        def job():
            ds.undo()
            fresh = api.open_dataset(ds.name, store=self.store)
            self._show_dataset(fresh, keep_tab=True)
            panel.message.value = notice("success", "Restored the previous version.")
            if panel.history_box.value:
                panel.history_box.value = history_html(fresh.history())

        self._run(job, on_error=lambda exc: setattr(panel.message, "value", error_html(exc, "Nothing undone")))

    def show_history(self, panel: TablePanel) -> None:
        ds = self.dataset
        if ds is None or not hasattr(ds, "history"):
            panel.message.value = notice("info", "History is not available in this version yet.")
            return
        if panel.history_box.value:
            panel.history_box.value = ""  # toggle
            return

        def job():
            panel.history_box.value = history_html(ds.history())

        self._run(job, on_error=lambda exc: setattr(panel.message, "value", error_html(exc, "No history")))

    # ------------------------------------------------------------------ plumbing
    def _set_status(self, value: str) -> None:
        self.status.value = value

    def _set_busy(self, busy: bool) -> None:
        for b in (self.generate_button, self.open_button, self.example_button):
            b.disabled = busy
        self.upload.disabled = busy
        for p in self.panels.values():
            p.set_busy(busy)
        if not busy:
            self.open_button.disabled = self.stored.disabled

    def _run(self, job: Callable[[], None], title: str = "Something went wrong",
             on_error: Callable[[BaseException], None] | None = None) -> bool:
        if self.worker.busy:
            self.status.value = notice("info", "Still working on the previous request…")
            return False
        self._set_busy(True)
        handler = on_error or (lambda exc: setattr(self.status, "value", error_html(exc, title)))
        return self.worker.start(job, handler, on_done=lambda: self._set_busy(False))

    def wait(self, timeout: float | None = 300) -> None:
        """Block until the current background job is done (tests, scripts)."""
        self.worker.wait(timeout)
