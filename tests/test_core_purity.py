"""The core never imports Jupyter front-end packages: magics and dashboard depend on it, not the reverse."""

import subprocess
import sys

CORE = [
    "synthtalk_jupyter", "synthtalk_jupyter.api", "synthtalk_jupyter.schema.parse",
    "synthtalk_jupyter.generation.engine", "synthtalk_jupyter.generation.planner",
    "synthtalk_jupyter.store", "synthtalk_jupyter.dataset", "synthtalk_jupyter.validate",
    "synthtalk_jupyter.export", "synthtalk_jupyter.modify", "synthtalk_jupyter.display",
    "synthtalk_jupyter.chat.agent", "synthtalk_jupyter.chat.sandbox", "synthtalk_jupyter.chat.guard",
    "synthtalk_jupyter.chat.charts", "synthtalk_jupyter.chat.tracing", "synthtalk_jupyter.workspace",
]


def test_core_imports_no_ipython_or_widgets():
    code = (
        "import importlib, sys\n"
        f"for m in {CORE!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('IPython', 'ipywidgets', 'ipykernel'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"core pulled in: {out.stdout.strip()}"


def test_front_ends_do_use_them():
    """The check above can fail: the magics module does import IPython."""
    code = "import sys, synthtalk_jupyter.magics; print('IPython' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "True", out.stderr
