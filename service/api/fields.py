"""String types of request bodies and paths: every one checked by ``ingest.hygiene``, so no
lone surrogate or NUL (nor, in names and ids, a control character) reaches the engine, the
store or an error reply. A refusal is a 422 naming the field: ``filters.sources.0: holds a
lone surrogate U+D800 at character 0``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from ingest import hygiene


def _checked(check: Callable[[str], str | None]) -> AfterValidator:
    def validate(value: str) -> str:
        if reason := check(value):
            raise PydanticCustomError("invalid_text", reason)
        return value

    return AfterValidator(validate)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be empty or only whitespace")
    return value


# A question, a message, article text: any text but lone surrogates and NULs.
FreeText = Annotated[str, _checked(hygiene.free_text)]
# A question or a query: free text with something in it besides whitespace.
Query = Annotated[str, _checked(hygiene.free_text), AfterValidator(_not_blank)]
# A title, an outlet, a URL, a model name, a filter value: one line, no control characters.
Name = Annotated[str, _checked(hygiene.name)]
# A document id as a client sends it (the loaders apply the rest of the id rules).
Identifier = Annotated[str, _checked(hygiene.identifier)]
