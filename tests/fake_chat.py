"""The tests' fake chat model: the one test double for the outside service, the language model.

:class:`RecordingChatModel` records every message list it gets and answers with the text its
subclass's :meth:`~RecordingChatModel.reply` makes of them; each fake (:class:`ScriptedChatModel`
here, the obedient model of test_injection_graph) is a subclass saying only how it answers.
"""

from __future__ import annotations

import json

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult


class RecordingChatModel(BaseChatModel):
    """A fake chat model that records every message list in ``calls`` and answers :meth:`reply`."""

    calls: list[list[BaseMessage]] = []

    @property
    def _llm_type(self) -> str:
        return "recording-fake"

    def reply(self, messages: list[BaseMessage]) -> str:
        """The answer's text (after the call is recorded)."""
        raise NotImplementedError

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.calls.append(list(messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply(list(messages))))])


class ScriptedChatModel(RecordingChatModel):
    """A fake chat model that answers from ``responses`` in turn (the last one repeats);
    ``echo=True`` answers with all the text it was sent; ``echo_json=True`` answers with a JSON
    draft whose sentences are the lines of everything it was sent (citing id "1")."""

    responses: list[str] = []
    echo: bool = False
    echo_json: bool = False

    def reply(self, messages: list[BaseMessage]) -> str:
        sent = "\n".join(str(m.content) for m in messages)
        if self.echo_json:
            lines = [ln.strip() for ln in sent.splitlines() if ln.strip()]
            return json.dumps({"sentences": [{"text": ln, "citations": ["1"]} for ln in lines]})
        if self.echo:
            return sent
        return self.responses[min(len(self.calls) - 1, len(self.responses) - 1)]
