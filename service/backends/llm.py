"""An LLM as an ``Answerer``: the passages rendered into the prompt files, the reply streamed
from a ``ChatBackend``."""

from __future__ import annotations

from collections.abc import Iterator

from service.answers import Passage
from service.backends.base import ChatBackend, Draft, Message
from service.grounding.injection import looks_like_injection
from service.prompts import Prompts


class LLMAnswerer:
    """Asks a chat model to answer from numbered sources (``prompts/``)."""

    def __init__(self, chat: ChatBackend, prompts: Prompts) -> None:
        self.chat = chat
        self.name = chat.name
        self.prompts = prompts
        self.refusal = prompts.text("refusal")
        for name in ("system", "answer", "source"):
            prompts.variables(name)  # every template renders before the first question

    def answer(self, draft: Draft) -> Iterator[str]:
        yield from self.chat.stream(self.messages(draft))

    def messages(self, draft: Draft) -> list[Message]:
        """The chat messages for a draft: the rules, then the sources and the question."""
        sources = "\n\n".join(
            self.prompts.render(
                "source",
                number=p.number,
                source=p.doc.source or "unknown outlet",
                published=p.doc.published or "date not stated",
                title=p.doc.title or "untitled",
                text=neutralised(p),
            )
            for p in draft.passages
        )
        system = self.prompts.render("system", refusal=self.refusal)
        user = self.prompts.render(
            "answer", sources=sources, question=draft.question.text, refusal=self.refusal
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def neutralised(passage: Passage) -> str:
    """The passage text with instruction-like sentences blanked out for the LLM."""
    chunk = passage.chunk
    text = chunk.text
    for span in reversed(chunk.sentences):
        a, b = span.start - chunk.start, span.end - chunk.start
        if looks_like_injection(text[a:b]):
            text = text[:a] + "[instruction-like text removed]" + text[b:]
    return text
