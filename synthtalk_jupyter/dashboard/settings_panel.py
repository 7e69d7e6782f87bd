"""Settings: the LLM endpoint, model and key (shared with the magics through config.get_settings()).

The API key is never sent to the browser: the password field starts empty (its placeholder says
whether a key is already set), and is cleared again after saving.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from .widgets import button, card, esc, field, hbox, html, notice, vbox


def _settings():
    from ..config import get_settings

    return get_settings()


class SettingsPanel(widgets.VBox):
    def __init__(self, on_change: Callable[[], None] | None = None):
        self._on_change = on_change
        s = _settings()
        self.base_url = widgets.Text(value=s.base_url or "", placeholder="https://api.openai.com/v1 (default)",
                                     layout=widgets.Layout(width="100%"))
        self.model = widgets.Text(value=s.model or "", placeholder="gpt-4o-mini", layout=widgets.Layout(width="100%"))
        self.api_key = widgets.Password(value="", placeholder=self._key_placeholder(s),
                                        layout=widgets.Layout(width="100%"))
        self.save_button = button("Save settings", "st-primary", icon="check")
        self.clear_key_button = button("Forget key", "st-ghost")
        self.status = html()
        self.save_button.on_click(lambda _b: self.save())
        self.clear_key_button.on_click(lambda _b: self.forget_key())

        form = card(
            [
                field("Endpoint (OpenAI-compatible base URL)", self.base_url,
                      "Leave empty for OpenAI. Ollama: http://localhost:11434/v1 · vLLM / LM Studio: their /v1 URL."),
                field("Model", self.model, "e.g. gpt-4o-mini, llama3.1, qwen2.5-coder"),
                field("API key", self.api_key,
                      "Stored only in this session's memory, never shown or logged. Local servers accept any key."),
                hbox([self.save_button, self.clear_key_button], "st-row"),
                self.status,
            ],
            "Language model",
            "Used to answer questions, and to apply text instructions when generating or modifying data.",
            max_width="720px",
        )
        head = html('<div class="st-page-title">Settings</div>'
                    '<div class="st-page-sub">One configuration for the dashboard and the notebook magics.</div>')
        super().__init__([head, form], layout=widgets.Layout(width="100%"))
        self.add_class("st-page")
        self.add_class("st-settings")

    @staticmethod
    def _key_placeholder(s) -> str:
        return "•••••••• (a key is set)" if s.api_key else "sk-… (not set)"

    def save(self) -> None:
        try:
            s = _settings()
            changes = {"base_url": self.base_url.value.strip() or None,
                       "model": self.model.value.strip() or s.model}
            key = self.api_key.value.strip()
            if key:
                changes["api_key"] = key
            s.update(**changes)
            self.api_key.value = ""  # don't keep the secret in the widget state
            self.api_key.placeholder = self._key_placeholder(s)
            where = esc(s.base_url or "api.openai.com")
            self.status.value = notice("success", f"Saved. Model <code>{esc(s.model)}</code> at <code>{where}</code>.",
                                       raw=True)
        except Exception as exc:  # noqa: BLE001
            from .widgets import error_html

            self.status.value = error_html(exc, "Settings not saved")
        if self._on_change:
            self._on_change()

    def forget_key(self) -> None:
        s = _settings()
        s.update(api_key=None)
        self.api_key.value = ""
        self.api_key.placeholder = self._key_placeholder(s)
        self.status.value = notice("info", "The API key was removed from this session.")
        if self._on_change:
            self._on_change()

    @staticmethod
    def summary_html() -> str:
        """Chip for the header: model and whether an endpoint is configured."""
        s = _settings()
        on = s.llm_configured
        dot = "on" if on else "off"
        label = esc(s.model) if on else "LLM not configured"
        return f'<span class="st-chip"><span class="st-dot {dot}"></span>{label}</span>'


__all__ = ["SettingsPanel"]
