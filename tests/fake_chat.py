"""The tests' fake chat model: the one test double for the outside service, the language model.

:class:`RecordingChatModel` records every message list it gets and answers with the text its
subclass's :meth:`~RecordingChatModel.reply` makes of them; each test module's fake (a scripted
one, an obedient one) is a subclass saying only how it answers.
"""

from __future__ import annotations

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
