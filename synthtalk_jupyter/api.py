"""The Python API every front-end uses: magics, dashboard and plain scripts.

Pure core: nothing here imports IPython or ipywidgets.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from .errors import DDLError, SynthTalkError, UsageError

ProgressCallback = Callable[[int, int, str], None]  # (rows done, rows total, table key)

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def parse_rows(text: str | None, default: int) -> int | dict[str, int]:
    """``1000`` or ``customer=100,orders=5000`` (case-insensitive names; ``*=50`` sets the default)."""
    if text is None or text == "":
        return default
    text = text.strip()
    if text.isdigit():
        return int(text)
    counts: dict[str, int] = {"*": default}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            if part.isdigit():
                counts["*"] = int(part)
                continue
            raise UsageError(f"--rows: expected N or table=N[,table2=M], got {part!r}")
        key, _, value = part.partition("=")
        value = value.strip()
        if not value.isdigit():
            raise UsageError(f"--rows: the count for {key.strip()!r} must be a whole number, got {value!r}")
        counts[key.strip()] = int(value)
    return counts


# --------------------------------------------------------------------------- store
_store = None


def get_store(path: str | os.PathLike | None = None):
    """The process's store, chosen on first use by :mod:`synthtalk_jupyter.workspace`:
    ``SYNTHTALK_MODE=shared`` (default) uses ``SYNTHTALK_STORE`` or ./synthtalk.duckdb,
    ``isolated`` a private store per kernel. A store that cannot be opened at all gives an
    in-memory store for the session and a one-time notice (:func:`take_store_notices`)."""
    global _store
    from .store import Store

    if path is not None:
        return Store(path)
    if _store is None:
        from .workspace import open_workspace

        _store = open_workspace().store
    return _store


def set_store(store_or_path) -> None:
    """Point the API (and the magics, the dashboard) at another store (a path that cannot be
    opened at all gives an in-memory store and a notice, as in :func:`get_store`)."""
    global _store
    from .store import Store

    if isinstance(store_or_path, Store):
        _store = store_or_path
    else:
        from .workspace import usable_store

        _store = usable_store(store_or_path).store


def take_store_notices() -> list[str]:
    """Notices about the session's store not yet shown (e.g. "working in memory because ..."); each once."""
    from .workspace import take_notices

    return take_notices()


def list_datasets(store=None) -> list[str]:
    return [d if isinstance(d, str) else d.name for d in (store or get_store()).list()]


def open_dataset(name: str | None = None, store=None):
    """Open a stored dataset by name (or the active one) and make it the active dataset."""
    from .dataset import Dataset

    st = store or get_store()
    if name is None:
        ds = active_dataset(st)
        if ds is None:
            raise SynthTalkError("No dataset yet: generate one with %%ddl_generate or synthtalk_jupyter.generate(ddl).")
        return ds
    ds = Dataset(name, st)
    st.set_active(ds.name)
    return ds


def active_dataset(store=None):
    from .dataset import Dataset

    st = store or get_store()
    name = st.get_active()
    return Dataset(name, st) if name else None


def drop_dataset(name: str, store=None) -> None:
    (store or get_store()).drop(name)


# --------------------------------------------------------------------------- generate
def parse_ddl(text: str, dialect: str | None = None):
    from .schema.parse import parse_ddl as _parse

    return _parse(text, dialect)


def _read_ddl_file(path: str | os.PathLike) -> str:
    p = Path(path)
    if not p.exists():
        raise DDLError(f"DDL file not found: {p}")
    raw = p.read_bytes()
    if b"\x00" in raw[:65536]:
        raise DDLError(f"{p.name} looks like a binary file, not SQL text")
    for enc in ("utf-8-sig", "utf-16"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _load_spec(spec):
    if spec is None:
        return None
    from .generation.spec import GenerationSpec

    if isinstance(spec, GenerationSpec):
        return spec
    if isinstance(spec, Mapping):
        return GenerationSpec.from_dict(dict(spec))
    return GenerationSpec.load(spec)


def _progress_chunks(result, callback: ProgressCallback | None, bar: bool) -> Iterator:
    """Wrap result.chunks() with a tqdm bar (after ~1 s of work) and/or a callback."""
    total = sum(result.row_counts.values())
    done = 0
    pbar = None
    start = time.monotonic()
    try:
        for key, batch in result.chunks():
            yield key, batch
            done += batch.num_rows
            if callback is not None:
                callback(done, total, key)
            if bar and pbar is None and time.monotonic() - start > 1.0 and done < total:
                from tqdm.auto import tqdm

                pbar = tqdm(total=total, unit="rows", desc="generating", leave=False)
                pbar.update(done)
            elif pbar is not None:
                pbar.update(batch.num_rows)
                pbar.set_postfix_str(key, refresh=False)
    finally:
        if pbar is not None:
            pbar.close()


class _StreamingResult:
    """A GenerationResult whose chunks() reports progress as they are produced."""

    def __init__(self, result, callback, bar):
        self._result, self._callback, self._bar = result, callback, bar

    def __getattr__(self, item):
        return getattr(self._result, item)

    def chunks(self):
        return _progress_chunks(self._result, self._callback, self._bar)


def generate(
    ddl: str | None = None,
    name: str | None = None,
    *,
    file: str | os.PathLike | None = None,
    rows: int | Mapping[str, int] = 1000,
    seed: int | None = None,
    temperature: float = 1.0,
    dialect: str | None = None,
    locale: str = "en_US",
    spec: Any = None,
    prompt: str | None = None,
    store=None,
    out: str | os.PathLike | None = None,
    zip: str | os.PathLike | None = None,
    sql: str | os.PathLike | None = None,
    parquet: str | os.PathLike | None = None,
    progress: bool | ProgressCallback = True,
    settings=None,
    validate: bool = True,
):
    """DDL in, a stored, validated :class:`Dataset` out.

    ``rows`` is a default count or a per-table mapping (``{"orders": 5000, "*": 100}``).
    ``prompt`` holds plain-language instructions for the LLM planner (applied only when an
    LLM endpoint is configured; otherwise a notice says so). The new dataset becomes the
    active one, which ``ask`` / ``%chat`` query.
    """
    from .generation.engine import generate_tables
    from .generation.result import GenerationOptions

    if file is not None:
        ddl = _read_ddl_file(file)
    if ddl is None or not str(ddl).strip():
        raise DDLError("No DDL given: paste CREATE TABLE statements or pass file=...")
    if not (0.0 <= float(temperature) <= 2.0):
        raise SynthTalkError(f"temperature must be between 0 and 2, got {temperature}")
    name = name or "synth"
    if not _NAME_RE.match(name):
        raise SynthTalkError(
            f"Dataset name {name!r} is not valid: use letters, digits and _ (starting with a letter or _)")

    schema = parse_ddl(ddl, dialect)
    gen_spec = _load_spec(spec)
    notices: list[str] = []
    planned = None
    if prompt:
        planned = _plan_from_prompt(schema, prompt, temperature, gen_spec, settings, notices)
        if planned is not None:
            gen_spec = planned
    options = GenerationOptions(rows=dict(rows) if isinstance(rows, Mapping) else int(rows), seed=seed,
                                temperature=float(temperature), locale=locale, spec=gen_spec, progress=False)
    result = generate_tables(schema, options)
    notices = list(notices) + list(result.notices)

    st = store or get_store()
    callback = progress if callable(progress) else None
    meta = {
        "options": {"rows": options.rows, "seed": result.seed, "temperature": options.temperature,
                    "locale": locale, "dialect": schema.dialect, "prompt": prompt},
        "spec": gen_spec.model_dump(mode="json") if gen_spec is not None else None,
        "notices": notices,
        "notes": [str(n) for n in schema.notes],
    }
    # the Dataset of the version this call wrote (a tqdm bar only when progress is True)
    ds = st.save(name, _StreamingResult(result, callback, progress is True), meta)  # also the active one now
    ds.notices = notices
    ds.spec = gen_spec
    if validate:
        ds.report = ds.validate()  # must always read zero: a non-zero report is a bug
    if out:
        ds.to_csv(out)
    if zip:
        ds.to_zip(zip)
    if sql:
        ds.to_sql(sql)
    if parquet:
        ds.to_parquet(parquet)
    return ds


def _plan_from_prompt(schema, prompt, temperature, base_spec, settings, notices):
    """Turn instructions into a spec with the LLM planner, or explain why not."""
    from .config import Settings
    from .generation import planner

    settings = settings or Settings.load()
    if not settings.llm_configured:
        notices.append("Instructions were not applied: no LLM endpoint is configured "
                       "(set OPENAI_API_KEY, or OPENAI_BASE_URL for Ollama/vLLM/LM Studio).")
        return None
    return planner.plan_spec(schema, prompt, temperature=temperature, base=base_spec, settings=settings,
                             notices=notices)


# --------------------------------------------------------------------------- talk
def _resolve_dataset(dataset):
    from .dataset import Dataset

    if dataset is None:
        ds = active_dataset()
        if ds is None:
            raise SynthTalkError("No dataset to talk to yet: generate one first (%%ddl_generate).")
        return ds
    if isinstance(dataset, str):
        return open_dataset(dataset)
    if isinstance(dataset, Dataset):
        return dataset
    return dataset


def ask(question: str, dataset=None, **kwargs):
    """Ask a question about a dataset (the active one by default); returns a ChatResult."""
    from .chat import ask as _ask

    return _ask(question, _resolve_dataset(dataset), **kwargs)


def run_sql(sql: str, dataset=None, **kwargs):
    """Run one read-only query in the sandbox, without an LLM."""
    from .chat import run_sql as _run_sql

    return _run_sql(sql, _resolve_dataset(dataset), **kwargs)


def check_input(text: str, dataset=None, history=()):
    """The local guardrail: is this input an attack, off topic, or fine?"""
    from .chat import check_input as _check

    if isinstance(dataset, str):
        dataset = open_dataset(dataset)
    return _check(text, dataset=dataset, history=history)
