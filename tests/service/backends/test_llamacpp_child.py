"""One model process's exit status, in words (the real processes: test_llamacpp_process.py)."""

from __future__ import annotations

import signal

import pytest

from service.backends.llamacpp_child import describe_exit


@pytest.mark.parametrize(
    ("returncode", "described"),
    [
        (1, "exited with code 1"),
        (-signal.SIGKILL, "was killed (SIGKILL: out of memory, or killed by hand)"),
        (
            -signal.SIGILL,
            "crashed on an instruction this CPU lacks (SIGILL): check the build with "
            "python -m service.backends.llamacpp_build check",
        ),
        (-signal.SIGSEGV, "was ended by SIGSEGV"),
    ],
)
def test_exits_in_words(returncode: int, described: str) -> None:
    assert describe_exit(returncode) == described
