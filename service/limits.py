"""The limits of a request, defined once: the engine checks them and the API schemas
declare them."""

from __future__ import annotations

MAX_QUESTION_CHARS = 2000  # a question, a search query, an answer to verify
MAX_TOP_K = 50  # passages per request
MAX_TURN_CHARS = 20000  # one message of a conversation's history
MAX_VERIFY_SOURCES = 50  # sources of one /v1/verify request
MAX_ANSWER_CHARS = 20000  # the answer text of one /v1/verify request
