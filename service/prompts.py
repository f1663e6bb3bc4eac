"""Load prompt templates from ``prompts/`` by name and render them with checked variables.

Templates use ``{name}`` placeholders (``{{`` and ``}}`` for literal braces). Values are
substituted once and never parsed again, so braces inside article text are harmless.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from service.errors import PromptError

_FORMATTER = string.Formatter()


class Prompts:
    """The prompt files of one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def template(self, name: str) -> str:
        return _read(self.folder / f"{name}.txt")

    def variables(self, name: str) -> set[str]:
        """The placeholder names a template uses."""
        fields = set()
        for _, field, spec, conversion in _FORMATTER.parse(self.template(name)):
            if field is None:
                continue
            if not field.isidentifier() or spec or conversion:
                raise PromptError(
                    f"prompt {name!r} has an invalid placeholder {{{field}}}: use plain {{name}}"
                )
            fields.add(field)
        return fields

    def render(self, name: str, /, **values: object) -> str:
        """The template with every placeholder filled; missing or unknown names raise."""
        wanted = self.variables(name)
        missing = sorted(wanted - values.keys())
        unknown = sorted(values.keys() - wanted)
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"missing {', '.join(missing)}")
            if unknown:
                parts.append(f"unknown {', '.join(unknown)}")
            raise PromptError(f"prompt {name!r}: {'; '.join(parts)}")
        return self.template(name).format_map({k: str(v) for k, v in values.items()})

    def text(self, name: str) -> str:
        """A template without placeholders, stripped (e.g. the refusal message)."""
        return self.render(name).strip()


@cache
def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise PromptError(f"prompt file {path} cannot be read: {e.strerror or e}") from e
