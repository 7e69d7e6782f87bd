"""IPython front-end: ``%%ddl_generate``, ``%ddl_modify``, ``%chat``, ``%ddl_datasets``.

A thin layer over :mod:`synthtalk_jupyter.api`: options are parsed here (IPython's
magic_arguments, so ``--help`` works), rendering lives in :mod:`display`, execution in
the core. The class is a traitlets Configurable named ``SynthTalk`` so that
``%config SynthTalk.rows = 5000`` and ipython_config.py work.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import HTML, display
from traitlets import Bool, CFloat, CInt, Int, Unicode
from traitlets.config import Configurable

from . import api
from .display import CSS, chat_html, esc
from .api import parse_rows  # noqa: F401  (re-exported for users of the magics)
from .errors import SynthTalkError, UsageError




def _error_html(message: str, title: str = "Error") -> HTML:
    body = esc(message).replace("\n", "<br/>")
    return HTML(f'{CSS}<div class="stj"><div class="stj-error"><b>{esc(title)}:</b> {body}</div></div>')


@magics_class
class SynthTalk(Magics, Configurable):
    """Magics for synthetic data generation and talking to data."""

    rows = CInt(1000, help="Default number of rows per table.").tag(config=True)
    seed = Int(None, allow_none=True, help="Default seed (None: a new random seed each time).").tag(config=True)
    temperature = CFloat(1.0, help="Diversity of generated values, 0..2 (never affects validity).").tag(config=True)
    locale = Unicode("en_US", help="Faker locale for names, addresses, phones ...").tag(config=True)
    dialect = Unicode("", help="DDL dialect (postgres, mysql, sqlite, tsql, oracle, duckdb); empty: auto-detect.").tag(config=True)
    display_limit = CInt(10, help="Rows shown per table preview and chat result.").tag(config=True)
    store = Unicode("", help="Path of the DuckDB store file (default: SYNTHTALK_STORE or ./synthtalk.duckdb).").tag(config=True)
    model = Unicode("", help="LLM model name (default: SYNTHTALK_MODEL).").tag(config=True)
    base_url = Unicode("", help="OpenAI-compatible endpoint (default: OPENAI_BASE_URL).").tag(config=True)
    api_key = Unicode("", help="API key (default: OPENAI_API_KEY). Never displayed.").tag(config=True)
    stream = Bool(True, help="Stream chat answers as they are written.").tag(config=True)
    mask_pii = Bool(False, help="Mask emails, phone and card numbers in questions before they are sent.").tag(config=True)

    def __init__(self, shell=None, **kwargs):
        Configurable.__init__(self, config=shell.config if shell is not None else None, **kwargs)
        Magics.__init__(self, shell=shell)
        self._sessions: dict[str, Any] = {}
        self.observe(self._store_changed, names=["store"])
        if self.store:
            api.set_store(self.store)

    # ------------------------------------------------------------------ helpers
    def _store_changed(self, change):
        if change["new"]:
            api.set_store(change["new"])

    def settings(self):
        """The shared Settings, with %config overrides applied."""
        from .config import Settings

        overrides = {k: getattr(self, k) for k in ("model", "base_url", "api_key") if getattr(self, k)}
        overrides["mask_pii"] = self.mask_pii
        return Settings.load(**overrides)

    def _show_error(self, exc: BaseException, title: str = "Error"):
        display(_error_html(str(exc), title))

    def _show_store_notices(self) -> None:
        """Once per session: why the store is not the one asked for (e.g. working in memory)."""
        try:
            api.get_store()
            notices = api.take_store_notices()
        except SynthTalkError as exc:
            notices = [str(exc)]
        for n in notices:
            display(_error_html(n, "Store"))

    def _parse(self, magic, argstring: str):
        """Parse options; ``--help``/``-h`` prints the magic's help. None means: stop here."""
        self._show_store_notices()
        tokens = argstring.split()
        if "--help" in tokens or "-h" in tokens:
            print(magic.__doc__)
            return None
        try:
            return parse_argstring(magic, argstring)
        except Exception as exc:  # argparse errors arrive as IPython UsageError
            self._show_error(SynthTalkError(f"{exc}. See --help."), "Bad options")
            return None

    # ------------------------------------------------------------------ generate
    @magic_arguments()
    @argument("name", nargs="?", default=None, help="Dataset name (default: synth).")
    @argument("--file", "-f", default=None, help="Read the DDL from this file (line form).")
    @argument("--rows", "-n", default=None, help="Rows per table: N, or table=N,table2=M (case-insensitive).")
    @argument("--seed", "-s", type=int, default=None, help="Seed: same seed, same data.")
    @argument("--temperature", "-t", type=float, default=None, help="Diversity 0..2 (default 1).")
    @argument("--dialect", "-d", default=None, help="postgres, mysql, sqlite, tsql, oracle, duckdb (default: detect).")
    @argument("--locale", "-l", default=None, help="Faker locale, e.g. de_DE.")
    @argument("--spec", default=None, help="Generation spec file (JSON or YAML).")
    @argument("--prompt", "-p", default=None, help="Plain-language instructions for the LLM planner.")
    @argument("--show-spec", action="store_true", help="Show the generation spec that was used.")
    @argument("--out", default=None, help="Write one CSV per table into this directory.")
    @argument("--zip", default=None, help="Write a ZIP of all CSVs plus the DDL.")
    @argument("--sql", default=None, help="Write an INSERT script in the schema's dialect.")
    @argument("--parquet", default=None, help="Write one Parquet file per table into this directory.")
    @argument("--quiet", "-q", action="store_true", help="Do not display previews.")
    @line_cell_magic
    def ddl_generate(self, line: str = "", cell: str | None = None):
        """Generate realistic, constraint-valid data from DDL and store it as a dataset.

        Cell form::

            %%ddl_generate shop --rows 1000 --seed 42
            CREATE TABLE customer (...);

        Line form: ``%ddl_generate --file schema.sql shop --rows 500``.
        Returns the Dataset (``ds = _``).
        """
        args = self._parse(self.ddl_generate, line)
        if args is None:
            return None
        try:
            if cell is None and not args.file:
                raise UsageError("Give the DDL in the cell (%%ddl_generate) or a file (--file schema.sql).")
            if cell is not None and args.file:
                raise UsageError("Give the DDL either in the cell or with --file, not both.")
            ds = api.generate(
                ddl=cell,
                name=args.name,
                file=args.file,
                rows=parse_rows(args.rows, self.rows),
                seed=args.seed if args.seed is not None else self.seed,
                temperature=args.temperature if args.temperature is not None else self.temperature,
                dialect=args.dialect or self.dialect or None,
                locale=args.locale or self.locale,
                spec=args.spec,
                prompt=args.prompt,
                out=args.out,
                zip=args.zip,
                sql=args.sql,
                parquet=args.parquet,
                progress=True,
                settings=self.settings() if args.prompt else None,
            )
        except SynthTalkError as exc:
            self._show_error(exc, "Cannot generate")
            return None
        ds.display_limit = self.display_limit
        if args.show_spec:
            display(HTML(spec_html(ds)))
        if args.quiet:
            return None
        return ds

    # ------------------------------------------------------------------ modify
    @magic_arguments()
    @argument("target", nargs="?", default=None, help="dataset.table (or dataset with --undo / --history).")
    @argument("--sql", nargs="?", const="", default=None,
              help="Apply this SQL (UPDATE/INSERT/DELETE) directly, no LLM (or put the SQL in the cell).")
    @argument("--undo", action="store_true", help="Restore the previous version of the dataset.")
    @argument("--history", action="store_true", help="List the versions of the dataset.")
    @argument("--show-spec", action="store_true", help="Show the generation spec of the dataset.")
    @line_cell_magic
    def ddl_modify(self, line: str = "", cell: str | None = None):
        """Change a stored table by instruction or SQL; every change is validated and versioned.

        ``%ddl_modify shop.orders make 30% of December orders cancelled``
        ``%ddl_modify shop.orders --sql "UPDATE orders SET status = 'cancelled' WHERE ..."``
        ``%ddl_modify --undo shop`` · ``%ddl_modify --history shop``
        """
        opts, instruction, values = _split_leading_options(line, takes_value={"--sql"}, positional=1)
        args = self._parse(self.ddl_modify, opts)
        if args is None:
            return None
        args.sql = values.get("--sql")
        if cell and cell.strip():
            if args.sql == "":
                args.sql = cell
            else:
                instruction = (instruction + "\n" + cell).strip()
        if args.sql == "":
            self._show_error(UsageError("--sql needs a statement: --sql \"UPDATE ...\" or the SQL in the cell."), "Bad options")
            return None
        try:
            target = args.target
            if target is None:
                raise UsageError("Name the table: %ddl_modify dataset.table <instruction> (or --undo / --history dataset).")
            ds_name, _, table = target.partition(".")
            ds = api.open_dataset(ds_name)
            if args.history:
                return ds.history()
            if args.undo:
                out = ds.undo()
                display(HTML(f'{CSS}<div class="stj">Restored the previous version of <code>{esc(ds.name)}</code>.</div>'))
                return out
            if args.show_spec:
                display(HTML(spec_html(ds)))
                return None
            if not table:
                raise UsageError(f"Name the table to change: {ds_name}.<table>")
            if args.sql is None and not instruction.strip():
                raise UsageError("Say what to change (an instruction) or give --sql \"UPDATE ...\".")
            if args.sql is not None:
                change = ds.modify(table, sql=args.sql)
            else:
                change = ds.modify(table, instruction.strip(), settings=self.settings())
        except SynthTalkError as exc:
            self._show_error(exc, "Change not applied")
            return None
        return change

    # ------------------------------------------------------------------ chat
    @magic_arguments()
    @argument("--sql", action="store_true", help="Run the rest of the line (or the cell) as SQL, no LLM.")
    @argument("--reset", action="store_true", help="Start a new conversation.")
    @argument("--dataset", default=None, help="Talk to this dataset (and make it the active one).")
    @argument("--no-stream", action="store_true", help="Show the answer only when complete.")
    @line_cell_magic
    def chat(self, line: str = "", cell: str | None = None):
        """Ask a question about the active dataset; answers stream with SQL, table and chart.

        ``%chat Which 5 customers spent the most last year?``
        ``%chat --sql SELECT status, count(*) FROM orders GROUP BY 1``
        ``%chat --reset`` · ``%chat --dataset shop``
        """
        opts, text, values = _split_leading_options(line, takes_value={"--dataset"})
        args = self._parse(self.chat, opts)
        if args is None:
            return None
        args.dataset = values.get("--dataset") or None
        if cell and cell.strip():
            text = (text + "\n" + cell).strip()
        try:
            if args.dataset:
                api.open_dataset(args.dataset)
            ds = api.open_dataset()
            session = self._session(ds.name)
            if args.reset:
                session.reset()
                if not text.strip():
                    display(HTML(f'{CSS}<div class="stj stj-muted">New conversation about <code>{esc(ds.name)}</code>.</div>'))
                    return None
            if not text.strip():
                if args.dataset:
                    display(HTML(f'{CSS}<div class="stj stj-muted">Talking to <code>{esc(ds.name)}</code>.</div>'))
                    return None
                raise UsageError("Ask a question: %chat How many orders per month?  (or %chat --sql SELECT ...)")
            if args.sql:
                result = api.run_sql(text, ds)
            else:
                result = self._ask_streaming(text, ds, session, stream=self.stream and not args.no_stream)
        except SynthTalkError as exc:
            self._show_error(exc, "Cannot answer")
            return None
        result.display_limit = self.display_limit
        return result

    def _session(self, dataset_name: str):
        from .chat import ChatSession

        if dataset_name not in self._sessions:
            self._sessions[dataset_name] = ChatSession(dataset_name)
        return self._sessions[dataset_name]

    def _ask_streaming(self, question: str, ds, session, stream: bool = True):
        handle = display(HTML(""), display_id=True) if stream else None
        text_parts: list[str] = []
        status: list[str] = []

        def on_event(event):
            if handle is None:
                return
            kind = getattr(event, "type", None) or (event.get("type") if isinstance(event, dict) else None)
            data = getattr(event, "data", None) if not isinstance(event, dict) else event.get("data")
            if kind in ("text", "text_delta", "delta"):
                text_parts.append(data if isinstance(data, str) else str(getattr(event, "text", "")))
            elif kind in ("sql", "tool_call"):
                status.append("running SQL…")
            elif kind in ("chart",):
                status.append("drawing the chart…")
            else:
                return
            body = esc("".join(text_parts))
            note = f'<div class="stj-muted">{esc(status[-1])}</div>' if status and not text_parts else ""
            handle.update(HTML(f'{CSS}<div class="stj"><div class="stj-answer">{body}▍</div>{note}</div>'))

        result = api.ask(question, ds, session=session, settings=self.settings(), on_event=on_event)
        if handle is not None:
            handle.update(HTML(""))
        return result

    # ------------------------------------------------------------------ datasets
    @magic_arguments()
    @argument("--open", default=None, help="Make this dataset the active one.")
    @argument("--drop", default=None, help="Delete this dataset from the store.")
    @line_magic
    def ddl_datasets(self, line: str = ""):
        """List the datasets in the store; open or drop one."""
        args = self._parse(self.ddl_datasets, line)
        if args is None:
            return None
        try:
            if args.drop:
                api.drop_dataset(args.drop)
            if args.open:
                return api.open_dataset(args.open)
            names = api.list_datasets()
            active = api.get_store().get_active()
        except SynthTalkError as exc:
            self._show_error(exc, "Store")
            return None
        active_badge = ' <span class="stj-badge ok">active</span>'
        items = "".join(
            f"<li><code>{esc(n)}</code>{active_badge if n == active else ''}</li>"
            for n in names) or "<li class='stj-muted'>no datasets yet</li>"
        display(HTML(f'{CSS}<div class="stj"><div class="stj-title">Datasets</div><ul>{items}</ul></div>'))
        return names


def spec_html(ds) -> str:
    from .generation.planner import dataset_spec, spec_to_yaml

    spec = dataset_spec(ds)
    if spec is None:
        return f'{CSS}<div class="stj stj-muted">No spec: <code>{esc(ds.name)}</code> was generated from the DDL alone.</div>'
    return (f'{CSS}<div class="stj"><div class="stj-title">Generation spec</div>'
            f'<pre class="stj-sql">{esc(spec_to_yaml(spec))}</pre>'
            f'<div class="stj-note">save it with ds.save_spec("spec.yaml") and reuse it with --spec</div></div>')


def _split_leading_options(line: str, takes_value: set[str] = frozenset(), positional: int = 0
                            ) -> tuple[str, str, dict[str, str]]:
    """Split ``--opts [positional…] free text`` so free text (questions, SQL with quotes or
    ``--`` comments) never goes through argparse. Values of ``takes_value`` options are
    returned apart (unquoted), the rest is an argstring for argparse."""
    rest = line.strip()
    opts: list[str] = []
    values: dict[str, str] = {}
    taken = 0
    while rest:
        if rest.startswith("-"):
            try:
                tok, remainder = _next_token(rest)
            except ValueError:
                break
            rest = remainder
            if tok in takes_value:
                if rest and not rest.startswith("--"):
                    values[tok], rest = _next_token(rest)
                else:
                    values[tok] = ""
                continue
            opts.append(tok)
            continue
        if taken < positional:
            tok, rest = _next_token(rest)
            opts.append(tok)
            taken += 1
            continue
        break
    return " ".join(shlex.quote(o) for o in opts), rest, values


def _next_token(text: str) -> tuple[str, str]:
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    tok = lexer.get_token()
    if tok is None:
        raise ValueError("no token")
    remainder = lexer.instream.read() if hasattr(lexer.instream, "read") else ""
    return tok, remainder.strip()


SynthTalkMagics = SynthTalk  # the conventional name for a Magics class

_loaded: SynthTalk | None = None

# ``%chat Which customers spent most?`` ends in "?", which IPython would read as a help request
# (``%chat?``). This cleanup transform runs before IPython's help handling and turns such a line into
# the equivalent explicit call, so questions can end in a question mark.
_QUESTION_LINE = re.compile(r"^(?P<indent>\s*)(?:(?P<target>[A-Za-z_][\w.]*)\s*=\s*)?%(?!%)"
                            r"(?P<magic>chat|ddl_modify)\b(?P<args>.*\?)\s*$")


def keep_question_marks(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        m = _QUESTION_LINE.match(line.rstrip("\n"))
        if m is None:
            out.append(line)
            continue
        call = f"get_ipython().run_line_magic({m['magic']!r}, {m['args'].strip()!r})"
        if m["target"]:
            call = f"{m['target']} = {call}"
        out.append(f"{m['indent']}{call}\n")
    return out


def load_ipython_extension(ip):
    global _loaded
    magics = SynthTalk(shell=ip)
    ip.register_magics(magics)
    if keep_question_marks not in ip.input_transformers_cleanup:
        ip.input_transformers_cleanup.append(keep_question_marks)
    if magics not in ip.configurables:
        ip.configurables.append(magics)
    _loaded = magics
    # show results of the magics without the user calling display()
    formatter = ip.display_formatter.formatters.get("text/html")
    if formatter is not None:
        from .display import dataset_html

        def _ds_html(ds):
            return dataset_html(ds, limit=getattr(ds, "display_limit", magics.display_limit))

        def _chat_html(res):
            return chat_html(res, limit=getattr(res, "display_limit", magics.display_limit))

        formatter.for_type_by_name("synthtalk_jupyter.dataset", "Dataset", _ds_html)
        formatter.for_type_by_name("synthtalk_jupyter.chat.result", "ChatResult", _chat_html)


def unload_ipython_extension(ip):
    global _loaded
    if _loaded is not None and _loaded in ip.configurables:
        ip.configurables.remove(_loaded)
    if keep_question_marks in ip.input_transformers_cleanup:
        ip.input_transformers_cleanup.remove(keep_question_marks)
    _loaded = None
