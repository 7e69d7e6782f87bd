"""The app shell: header, left sidebar navigation, one page at a time (ipywidgets.Stack)."""

from __future__ import annotations

import logging

import ipywidgets as widgets

from .generation_tab import GenerationTab
from .settings_panel import SettingsPanel
from .style import style_widget
from .talk_tab import TalkTab
from .widgets import button, esc, hbox, html, notice, vbox

PAGES = [("generation", "Data Generation", "database"), ("talk", "Talk to your data", "comments"),
         ("settings", "Settings", "cog")]


class Dashboard(widgets.VBox):
    """``synthtalk_jupyter.dashboard()``: Data Generation, Talk to your data, Settings."""

    def __init__(self, store=None, page: str = "generation", rows: int = 500, example: bool = True,
                 open_latest: bool = True):
        if store is not None and not hasattr(store, "connect"):
            from .. import api

            store = api.get_store(store)
        self.store = store
        _quiet_libraries()
        self.header_chips = html()
        self.talk = TalkTab(store=store, open_settings=lambda: self.show("settings"))
        self.generation = GenerationTab(store=store, on_dataset=self._dataset_changed, rows=rows, example=example)
        self.settings = SettingsPanel(on_change=self._refresh_header)
        self.pages = {"generation": self.generation, "talk": self.talk, "settings": self.settings}
        self.stack = widgets.Stack(list(self.pages.values()), selected_index=0,
                                   layout=widgets.Layout(width="100%"))
        self.nav: dict[str, widgets.Button] = {}
        for key, label, icon in PAGES:
            b = button(label, "st-nav", icon=icon, tooltip=label)
            b.layout.width = "100%"
            b.on_click(lambda _b, key=key: self.show(key))
            self.nav[key] = b
        sidebar = vbox([html('<div class="st-nav-title">Workspace</div>'), self.nav["generation"], self.nav["talk"],
                        html('<div class="st-nav-title" style="margin-top:14px">Configure</div>'),
                        self.nav["settings"], html(_sidebar_foot(), "st-side-foot")],
                       "st-sidebar")
        brand = html('<div class="st-brand"><div class="st-logo">S</div><div><div class="st-brand-name">SynthTalk</div>'
                     '<div class="st-brand-tag">Synthetic SQL data you can talk to</div></div></div>')
        header = hbox([brand, self.header_chips], "st-header")
        self.banner = html("", "st-banner")
        body = hbox([sidebar, vbox([self.banner, self.stack], "st-content")], "st-body")
        super().__init__([style_widget(), header, body], layout=widgets.Layout(width="100%"))
        self.add_class("st-app")
        self._refresh_header()
        self.show_workspace_notices()
        self.show(page)
        if open_latest:
            self.generation.open_latest()

    def show(self, page: str) -> None:
        keys = list(self.pages)
        if page not in self.pages:
            raise ValueError(f"unknown page {page!r} (one of {', '.join(keys)})")
        self.stack.selected_index = keys.index(page)
        for key, b in self.nav.items():
            if key == page:
                b.add_class("st-active")
            else:
                b.remove_class("st-active")
        if page == "talk":
            self.talk.refresh()

    @property
    def page(self) -> str:
        return list(self.pages)[self.stack.selected_index or 0]

    def show_workspace_notices(self) -> None:
        """Store problems found when the session started (e.g. an unwritable store: working in memory)."""
        try:
            from .. import workspace

            notes = workspace.take_notices()
        except Exception:  # noqa: BLE001  (no workspace module, or nothing to say)
            notes = []
        if notes:
            self.banner.value = notice("warning", "About this session's storage:", notes)

    def _dataset_changed(self, name: str) -> None:
        self.talk.refresh(select=name)
        self._refresh_header()

    def _refresh_header(self) -> None:
        chips = [SettingsPanel.summary_html()]
        try:
            ds = self.generation.dataset
            if ds is not None:
                chips.insert(0, f'<span class="st-chip">dataset <b>{esc(ds.name)}</b></span>')
        except Exception:  # noqa: BLE001
            pass
        self.header_chips.value = f'<div class="st-chips">{"".join(chips)}</div>'


def _sidebar_foot() -> str:
    from .. import __version__

    return (f'SynthTalk {esc(__version__)}<br>Data stays in this session\'s DuckDB store. '
            f'Model-written SQL runs read-only.')


def _quiet_libraries() -> None:
    """Library warnings would land in the page as stray text (Voilà shows stderr): log them quietly."""
    for name in ("langfuse", "httpx", "openai", "opentelemetry"):
        logging.getLogger(name).setLevel(logging.ERROR)


def dashboard(store=None, page: str = "generation", rows: int = 500, example: bool = True,
              open_latest: bool = True) -> Dashboard:
    """Build the dashboard widget.

    ``store``: a Store or a path (default: the API's store, ``SYNTHTALK_STORE``); ``page``: the page
    shown first (``generation``, ``talk``, ``settings``); ``rows``: default rows per table;
    ``example``: prefill the example schema; ``open_latest``: show the store's active dataset.
    """
    return Dashboard(store=store, page=page, rows=rows, example=example, open_latest=open_latest)
