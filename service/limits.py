"""The limits of a request, defined once: the engine checks them and the API schemas
declare them."""

from __future__ import annotations

from service.errors import InvalidRequest

MAX_QUESTION_CHARS = 2000  # a question, a search query, an answer to verify
MAX_TOP_K = 50  # passages per request
MAX_TURN_CHARS = 20000  # one message of a conversation's history
MAX_VERIFY_SOURCES = 50  # sources of one /v1/verify request
MAX_ANSWER_CHARS = 20000  # the answer text of one /v1/verify request


def check_question(question: str) -> str:
    """The question stripped; ``InvalidRequest`` if it is empty or too long."""
    if not isinstance(question, str) or not question.strip():
        raise InvalidRequest("question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidRequest(
            f"question is {len(question)} characters, over the {MAX_QUESTION_CHARS} limit"
        )
    return question.strip()
