"""The README and .env.example stay true to the settings class."""

from __future__ import annotations

import re

from ingest.settings import env_names, markdown_table
from service.settings import Settings
from tests.conftest import ROOT


def test_readme_settings_table_is_generated_from_the_settings_class() -> None:
    readme = (ROOT / "README.md").read_text()
    found = re.search(r"<!-- settings:start -->\n(.*?)\n<!-- settings:end -->", readme, re.S)
    assert found, "README lost its settings markers"
    assert found.group(1) == markdown_table(Settings), (
        "README settings table is stale: regenerate it with markdown_table()"
    )


def test_env_example_mentions_every_setting() -> None:
    example = (ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert env_names(Settings, name)[0] in example, name
