"""The model client of the LLM drafter: building the chat model, calling it, classifying failures.

The model is chosen by a ``provider:model`` string (``langchain.chat_models.init_chat_model``;
the provider package, e.g. ``langchain-openai``, is an optional extra), by an OpenAI-compatible
server's base URL (llama.cpp server, Ollama, vLLM: ``langchain_openai.ChatOpenAI``), or given as
any ``BaseChatModel`` instance. :meth:`ChatClient.ask` asks in an output mode:
``with_structured_output(schema, method="json_schema")`` where the model supports it;
``response_format={"type": "json_object", "schema": ...}`` for an OpenAI-compatible server that
rejects that (llama-cpp-python's enforces it with a grammar); otherwise plain text. An unreachable
server (connection refused, time-out, rejected key) raises :class:`LLMUnavailableError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from deliberation.drafting.config import LLMDraftConfig
from deliberation.errors import DeliberationError
from deliberation.words import said

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.language_models import BaseChatModel

__all__ = ["ChatClient", "LLMUnavailableError", "ModeUnsupported", "bad_answer", "partial_answer", "content_text"]


class LLMUnavailableError(DeliberationError):
    """The model could not be reached or refused us (connection refused, time-out, bad key)."""


class ModeUnsupported(Exception):
    """The chat model class has no such output mode (e.g. no ``with_structured_output``)."""


_UNREACHABLE = {
    "ConnectionError", "ConnectionRefusedError", "APIConnectionError", "APITimeoutError",
    "ConnectError", "ConnectTimeout", "ReadTimeout", "TimeoutException", "NewConnectionError",
    "MaxRetryError", "AuthenticationError", "PermissionDeniedError",
}


def bad_answer(exc: BaseException) -> bool:
    """The model answered, but unusably (cut off at the token limit, unparseable structured output)."""
    names = {k.__name__ for k in type(exc).__mro__}
    return any(n.endswith("FinishReasonError") for n in names) or "OutputParserException" in names


def partial_answer(exc: BaseException) -> str:
    """The text of an answer the client refused (openai's LengthFinishReasonError keeps it)."""
    try:
        return str(exc.completion.choices[0].message.content or "")  # type: ignore[attr-defined]
    except Exception:
        return str(getattr(exc, "llm_output", "") or "")


def unreachable_cause(exc: BaseException) -> BaseException | None:
    """The exception in ``exc``'s chain that means the server could not be reached, else None."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, (ConnectionError, TimeoutError)) or any(
            k.__name__ in _UNREACHABLE for k in type(e).__mro__
        ):
            return e
        e = e.__cause__ or e.__context__
    return None


def content_text(message: Any) -> str:
    """The text of a chat answer (a message, content blocks or a string)."""
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and isinstance(block.get("text"), str):
                parts.append(block["text"])
        return "".join(parts)
    return str(content)


class ChatClient:
    """The chat model behind the LLM drafter, called in one of its output modes.

    ``model``: a ``provider:model`` string for ``init_chat_model`` (e.g. ``"openai:gpt-4o-mini"``),
    a model name served at ``base_url`` (OpenAI-compatible), or a ``BaseChatModel`` instance.
    ``modes`` are the output modes to try, best first; a mode the model rejects is dropped for good.
    """

    def __init__(self, model: "str | BaseChatModel", *, base_url: str | None = None, api_key: str | None = None,
                 temperature: float = 0.0, config: LLMDraftConfig = LLMDraftConfig()):
        self.base_url = base_url
        if isinstance(model, str):
            if not model.strip():
                raise ValueError("model name is empty")
            if base_url:
                name = model.split(":", 1)[1] if model.startswith("openai:") else model
                self.name = f"llm:{base_url.rstrip('/')}/{name}"
                self.model = openai_compatible(name, base_url, api_key, temperature, config)
            else:
                self.name = f"llm:{model}"
                self.model = provider_chat_model(model, api_key, temperature, config)
        else:
            ident = (getattr(model, "model_name", None) or getattr(model, "model", None)
                     or getattr(model, "_llm_type", None) or type(model).__name__)
            self.name = f"llm:{ident}"
            self.model = model
        self.modes: list[str] = ["text"]
        if config.structured_output == "auto":
            openai_like = any(k.__name__ == "BaseChatOpenAI" for k in type(self.model).__mro__)
            self.modes = ["json_schema", "json_object", "text"] if openai_like else ["json_schema", "text"]

    def invoke(self, runnable: Any, messages: list) -> Any:
        try:
            return runnable.invoke(messages)
        except Exception as exc:  # classify below
            cause = unreachable_cause(exc)
            if cause is not None:
                # said (deliberation.words) so that the console says it in its language; the library's own
                # words stay as they are
                error = f"{type(cause).__name__}: {cause}"
                raise LLMUnavailableError(
                    said("run.llm_unreachable_at", url=self.base_url, model=self.name, error=error) if self.base_url
                    else said("run.llm_unreachable", model=self.name, error=error)) from exc
            raise

    def ask(self, mode: str, messages: list, schema: dict[str, Any]) -> tuple[str, Any]:
        """(raw answer text, parsed JSON payload or None) in one of the output modes."""
        if mode == "json_schema":
            try:
                runnable = self.model.with_structured_output(schema, method="json_schema", include_raw=True)
            except (NotImplementedError, ValueError, TypeError, AttributeError, ImportError) as exc:
                raise ModeUnsupported(str(exc)) from exc
            out = self.invoke(runnable, messages)
            raw = out.get("raw") if isinstance(out, dict) else out
            parsed = out.get("parsed") if isinstance(out, dict) else None
            if isinstance(parsed, BaseModel):
                parsed = parsed.model_dump()
            return (content_text(raw) if raw is not None else ""), parsed
        if mode == "json_object":
            # llama-cpp-python's server: JSON mode with a schema, enforced by a grammar
            runnable = self.model.bind(response_format={"type": "json_object", "schema": schema})
            return content_text(self.invoke(runnable, messages)), None
        return content_text(self.invoke(self.model, messages)), None



def openai_compatible(model: str, base_url: str, api_key: str | None, temperature: float,
                       config: LLMDraftConfig) -> "BaseChatModel":
    """A ``ChatOpenAI`` for an OpenAI-compatible server (llama.cpp server, Ollama, vLLM)."""
    try:  # an optional extra (llm): imported only when a base URL is given
        from langchain_openai import ChatOpenAI
    except ImportError as exc:  # pragma: no cover - depends on extras
        raise ImportError(
            "an OpenAI-compatible base_url needs the package langchain-openai (pip install langchain-openai)"
        ) from exc
    return ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key or "not-needed",
        temperature=temperature,
        # ChatOpenAI sends "max_completion_tokens", which llama-cpp-python's server ignores (it
        # would generate up to n_ctx); every OpenAI-compatible server reads "max_tokens"
        extra_body={"max_tokens": config.max_tokens},
        timeout=config.timeout,
        max_retries=1,
    )


def provider_chat_model(model: str, api_key: str | None, temperature: float, config: LLMDraftConfig) -> "BaseChatModel":
    """A model from a ``provider:model`` string (``langchain.chat_models.init_chat_model``)."""
    try:  # an optional extra (llm): imported only for a provider:model string
        from langchain.chat_models import init_chat_model
    except ImportError as exc:  # pragma: no cover - depends on extras
        raise ImportError(
            "a 'provider:model' string needs the package langchain and the provider's package "
            "(e.g. pip install langchain langchain-openai)"
        ) from exc
    kwargs: dict[str, Any] = {"temperature": temperature, "max_tokens": config.max_tokens,
                              "timeout": config.timeout, "max_retries": 1}
    if api_key:
        kwargs["api_key"] = api_key
    return init_chat_model(model, **kwargs)
