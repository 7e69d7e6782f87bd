"""OpenAI-compatible client factory and error translation (→ :class:`LLMError`).

Any endpoint that speaks the OpenAI chat-completions API works: OpenAI, Azure OpenAI's
``/openai/v1`` endpoint, Ollama (``http://localhost:11434/v1``), vLLM, LM Studio.
"""

from __future__ import annotations

import threading

import httpx
import openai

from ..config import OLLAMA_URL, Settings
from ..errors import LLMError

NOT_CONFIGURED = (
    "No language model is configured. Set OPENAI_API_KEY (and optionally SYNTHTALK_MODEL), "
    f"or point OPENAI_BASE_URL at a local OpenAI-compatible server such as Ollama ({OLLAMA_URL}, "
    "any key works), in the environment, a .env file or with %config SynthTalk.base_url / "
    "SynthTalk.api_key. SQL mode (%chat --sql ...) works without a model."
)

_clients: dict[tuple, openai.OpenAI] = {}
_lock = threading.Lock()


def make_client(settings: Settings) -> openai.OpenAI:
    """A cached client for these settings; raises ``LLMError`` when nothing is configured."""
    if not settings.llm_configured:
        raise LLMError(NOT_CONFIGURED)
    key = (settings.api_key, settings.base_url, float(settings.timeout), int(settings.max_retries))
    with _lock:
        client = _clients.get(key)
        if client is None:
            timeout = httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout))
            client = openai.OpenAI(api_key=settings.api_key or "not-needed", base_url=settings.base_url or None,
                                   timeout=timeout, max_retries=max(0, settings.max_retries))
            if len(_clients) > 8:
                _clients.clear()
            _clients[key] = client
    return client


def where(settings: Settings) -> str:
    return settings.base_url or "https://api.openai.com/v1"


def to_llm_error(exc: BaseException, settings: Settings) -> LLMError:
    """An actionable message for whatever went wrong talking to the model."""
    if isinstance(exc, LLMError):
        return exc
    url = where(settings)
    model = settings.model
    if isinstance(exc, openai.APITimeoutError):
        return LLMError(f"The model endpoint {url} did not answer within {settings.timeout:g} s "
                        f"(after {settings.max_retries} retries). Try again, use a smaller/faster model, "
                        "or raise SYNTHTALK_TIMEOUT.")
    if isinstance(exc, openai.APIConnectionError):
        hint = " Is Ollama running (ollama serve)?" if "11434" in url else ""
        return LLMError(f"Cannot reach the model endpoint {url}.{hint} Check OPENAI_BASE_URL and your network.")
    if isinstance(exc, openai.AuthenticationError):
        return LLMError(f"The model endpoint {url} rejected the API key (401). Check OPENAI_API_KEY.")
    if isinstance(exc, openai.PermissionDeniedError):
        return LLMError(f"The API key may not use model {model!r} at {url} (403).")
    if isinstance(exc, openai.NotFoundError):
        return LLMError(f"Model {model!r} was not found at {url} (404). Set SYNTHTALK_MODEL to a model the "
                        "endpoint serves (for Ollama: one listed by `ollama list`).")
    if isinstance(exc, openai.RateLimitError):
        return LLMError(f"The model endpoint {url} is rate limiting or out of quota (429). Wait and retry.")
    if isinstance(exc, openai.BadRequestError):
        msg = _short(getattr(exc, "message", None) or str(exc))
        tools = " The model may not support tool calling: pick one that does." if "tool" in msg.lower() else ""
        return LLMError(f"The model endpoint refused the request (400): {msg}.{tools}")
    if isinstance(exc, openai.APIStatusError):
        return LLMError(f"The model endpoint {url} failed with HTTP {exc.status_code}: "
                        f"{_short(getattr(exc, 'message', '') or str(exc))}. Try again later.")
    if isinstance(exc, (openai.APIResponseValidationError, ValueError, KeyError, TypeError, AttributeError)):
        return LLMError(f"The model endpoint {url} answered something that is not a valid OpenAI-compatible "
                        f"chat response ({type(exc).__name__}: {_short(str(exc))}).")
    if isinstance(exc, (httpx.HTTPError, OSError)):
        return LLMError(f"Connection to the model endpoint {url} failed: {_short(str(exc))}.")
    return LLMError(f"The model call failed ({type(exc).__name__}: {_short(str(exc))}).")


def _short(s: str, n: int = 200) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1] + "…"
