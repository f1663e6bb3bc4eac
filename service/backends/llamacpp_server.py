"""The model process: ``python -m service.backends.llamacpp_server <llama_cpp.server options>``.

llama.cpp's own OpenAI-compatible server (``python -m llama_cpp.server``), started and
supervised by the llamacpp backend (``llamacpp_process.py``), with two things added:

- it leaves when the process that started it is gone: its stdin is a pipe from that process,
  and end-of-file there (the parent exited, or was killed with SIGKILL) ends it too, so no model
  process is ever left orphaned;
- it drops the environment variables ``llama_cpp.server`` would read as its own settings
  (``HOST``, ``PORT``, ``MODEL``, ``API_KEY``, ``CONFIG_FILE`` ...), so only the options its
  parent gives count.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence


def leave_with_parent() -> None:
    """Exit at once when stdin (a pipe nobody writes to) reaches end-of-file."""

    def watch() -> None:
        try:
            while os.read(0, 1024):
                pass
        except OSError:
            pass
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def drop_server_settings_from_environment() -> None:
    from llama_cpp.server.settings import Settings

    names = {name.upper() for name in Settings.model_fields} | {"CONFIG_FILE", "HOST", "PORT"}
    for name in list(os.environ):
        if name.upper() in names:
            del os.environ[name]


def main(argv: Sequence[str]) -> None:
    leave_with_parent()
    drop_server_settings_from_environment()
    from llama_cpp.server.__main__ import main as serve

    sys.argv = ["llama_cpp.server", *argv]
    serve()


if __name__ == "__main__":
    main(sys.argv[1:])
