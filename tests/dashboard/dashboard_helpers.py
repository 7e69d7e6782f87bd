"""Widget-tree helpers shared by the dashboard tests."""

from __future__ import annotations


def walk(widget):
    """Every widget under ``widget`` (children of boxes, tabs, stacks)."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def all_html(widget) -> str:
    """The concatenated values of every HTML widget in the tree (what the page shows as text)."""
    import ipywidgets as w

    return "\n".join(x.value for x in walk(widget) if isinstance(x, (w.HTML, w.HTMLMath)))


def assert_no_traceback(widget):
    text = all_html(widget)
    assert "Traceback" not in text and 'File "' not in text, text[:2000]
