"""Is the installed llama-cpp-python built for this CPU? The CMake options it should be built
with, the features it reports, and a verdict with the command that rebuilds it.

``python -m service.backends.llamacpp_build check`` runs at the end of ``make install-local``,
and the llamacpp backend runs the same check before it starts the model process. The build is
asked in a child process (``system-info``), so a build for another CPU that dies on its first
instruction kills that child, never the caller.

Only the standard library is imported here: the Makefile reads the CMake options with
``python3 service/backends/llamacpp_build.py cmake-args`` before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

COMMON_CMAKE_ARGS = ("-DLLAVA_BUILD=OFF", "-DLLAMA_OPENSSL=OFF")
# x86-64: CPU features chosen by ggml's own CMake options (not -march=native, not compiler flags
# alone), so the wheel is the same whichever machine builds it: AVX2-class CPUs (Haswell, Zen
# and later), no AVX-512, and never AMX, whose kernels crash on some Xeons
# (ggml-org/llama.cpp#20824).
X86_64_CMAKE_ARGS = (
    "-DGGML_NATIVE=OFF",
    "-DGGML_AVX=ON",
    "-DGGML_AVX2=ON",
    "-DGGML_FMA=ON",
    "-DGGML_F16C=ON",
    "-DGGML_BMI2=ON",
    "-DGGML_AVX_VNNI=OFF",
    "-DGGML_AVX512=OFF",
    "-DGGML_AVX512_VBMI=OFF",
    "-DGGML_AVX512_VNNI=OFF",
    "-DGGML_AVX512_BF16=OFF",
    "-DGGML_AMX_TILE=OFF",
    "-DGGML_AMX_INT8=OFF",
    "-DGGML_AMX_BF16=OFF",
)

# A feature llama_print_system_info() reports -> (its /proc/cpuinfo flag, the CMake option
# that turns it off).
FEATURES = {
    "SSE3": ("pni", "GGML_SSE42"),
    "SSSE3": ("ssse3", "GGML_SSE42"),
    "AVX": ("avx", "GGML_AVX"),
    "AVX_VNNI": ("avx_vnni", "GGML_AVX_VNNI"),
    "AVX2": ("avx2", "GGML_AVX2"),
    "F16C": ("f16c", "GGML_F16C"),
    "FMA": ("fma", "GGML_FMA"),
    "BMI2": ("bmi2", "GGML_BMI2"),
    "AVX512": ("avx512f", "GGML_AVX512"),
    "AVX512_VBMI": ("avx512vbmi", "GGML_AVX512_VBMI"),
    "AVX512_VNNI": ("avx512_vnni", "GGML_AVX512_VNNI"),
    "AVX512_BF16": ("avx512_bf16", "GGML_AVX512_BF16"),
    "AMX_TILE": ("amx_tile", "GGML_AMX_TILE"),
    "AMX_INT8": ("amx_int8", "GGML_AMX_INT8"),
    "AMX_BF16": ("amx_bf16", "GGML_AMX_BF16"),
}
# Refused even on a CPU that has them.
NEVER = {
    "AMX_TILE": "ggml's AMX kernels crash (ggml-org/llama.cpp#20824)",
    "AMX_INT8": "ggml's AMX kernels crash (ggml-org/llama.cpp#20824)",
    "AMX_BF16": "ggml's AMX kernels crash (ggml-org/llama.cpp#20824)",
}
PROBE_TIMEOUT = 120.0
_FEATURE = re.compile(r"\b([A-Z][A-Z0-9_]*) = ([^|\s]+)")


def cmake_args(machine: str | None = None) -> list[str]:
    """The CMake options llama-cpp-python is built with on this (or the named) machine."""
    machine = machine or platform.machine()
    extra = X86_64_CMAKE_ARGS if machine in ("x86_64", "AMD64") else ()
    return [*COMMON_CMAKE_ARGS, *extra]


@dataclass(frozen=True)
class Build:
    """What the installed llama-cpp-python says about itself."""

    version: str
    system_info: str


@dataclass(frozen=True)
class Verdict:
    """Whether a build runs on this CPU; ``message`` says why not and how to rebuild."""

    problems: dict[str, str]
    message: str

    @property
    def ok(self) -> bool:
        return not self.problems


class ProbeFailed(Exception):
    """The installed llama-cpp-python could not be asked (not installed, crashed, hung)."""


def reported_features(system_info: str) -> set[str]:
    """The features a ``llama_print_system_info()`` string reports as on (``NAME = 1``)."""
    cpu = system_info.split("CPU :", 1)[1] if "CPU :" in system_info else system_info
    cpu = re.split(r"\|\s*[A-Za-z][\w-]* : ", cpu, maxsplit=1)[0]  # the CPU backend only
    return {name for name, value in _FEATURE.findall(cpu) if value not in ("0", "")}


def cpu_flags(cpuinfo: str) -> set[str] | None:
    """The flags of ``/proc/cpuinfo`` text; ``None`` when it has none (not Linux on x86)."""
    found = re.search(r"^flags\s*:(.*)$", cpuinfo, re.M)
    return set(found.group(1).split()) if found else None


def this_cpu() -> set[str] | None:
    try:
        return cpu_flags(Path("/proc/cpuinfo").read_text(errors="replace"))
    except OSError:
        return None


def judge(build: Build, flags: set[str] | None) -> Verdict:
    """Refuse a build that reports a feature this CPU lacks, or AMX at all.

    ``flags`` ``None`` (the CPU's flags are unknown) checks AMX only.
    """
    problems: dict[str, str] = {}
    for feature in sorted(reported_features(build.system_info)):
        if feature in NEVER:
            problems[feature] = NEVER[feature]
        elif feature in FEATURES and flags is not None and FEATURES[feature][0] not in flags:
            problems[feature] = "not on this CPU"
    if not problems:
        return Verdict({}, f"llama-cpp-python {build.version} runs on this CPU")
    listed = ", ".join(f"{name} ({why})" for name, why in problems.items())
    return Verdict(
        problems,
        f"llama-cpp-python {build.version} is built with CPU features this machine must not "
        f"run: {listed}. Rebuild it for this CPU: {rebuild_command(build.version, problems)}",
    )


def rebuild_command(version: str, problems: dict[str, str]) -> str:
    """``make install-local`` (adding CMake options that turn off what this CPU lacks), and the
    plain pip command for an install outside a checkout."""
    default = set(cmake_args())
    off = sorted({f"-D{FEATURES[name][1]}=OFF" for name in problems if name in FEATURES})
    extra = [arg for arg in off if arg not in default]
    make = f"CMAKE_ARGS='{' '.join(extra)}' make install-local" if extra else "make install-local"
    spec = f"llama-cpp-python=={version}" if version else "llama-cpp-python"
    pip = (
        f"CMAKE_ARGS='{' '.join(cmake_args() + extra)}' pip install --force-reinstall "
        f"--no-deps --no-cache-dir --no-binary llama-cpp-python '{spec}'"
    )
    return f"`{make}` in the newsqa checkout, or `{pip}`"


def probe(python: str = sys.executable, timeout: float = PROBE_TIMEOUT) -> Build:
    """Ask the installed llama-cpp-python for its version and features, in a child process."""
    command = [python, "-m", "service.backends.llamacpp_build", "system-info"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise ProbeFailed(f"llama-cpp-python did not report its build within {timeout:g}s") from e
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        raise ProbeFailed(
            f"llama-cpp-python crashed ({name}) while reporting its build: it is built for "
            f"another CPU. Rebuild it for this CPU: {rebuild_command('', {})}"
        )
    if done.returncode != 0:
        raise ProbeFailed(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?")
    reply = json.loads(done.stdout)
    return Build(version=reply["version"], system_info=reply["system_info"])


def check(python: str = sys.executable) -> Verdict:
    """The verdict on the installed build for this CPU; ``ProbeFailed`` when it cannot be asked."""
    return judge(probe(python), this_cpu())


def _system_info() -> int:
    try:
        import llama_cpp
    except ImportError as e:
        print(
            f"llama-cpp-python is not installed ({e}): make install-local, or "
            "pip install 'newsqa[local]'",
            file=sys.stderr,
        )
        return 1
    info = llama_cpp.llama_print_system_info().decode(errors="replace").strip()
    print(json.dumps({"version": llama_cpp.__version__, "system_info": info}))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m service.backends.llamacpp_build",
        description="Is the installed llama-cpp-python built for this CPU?",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("cmake-args", help="print the CMake options of the build (for make)")
    commands.add_parser("system-info", help="print the installed build's version and features")
    commands.add_parser("check", help="refuse a build this CPU cannot run (exit 1)")
    args = parser.parse_args(argv)
    if args.command == "cmake-args":
        print(" ".join(cmake_args()))
        return 0
    if args.command == "system-info":
        return _system_info()
    try:
        build = probe()
    except ProbeFailed as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    verdict = judge(build, this_cpu())
    print(build.system_info)
    if not verdict.ok:
        print(f"error: {verdict.message}", file=sys.stderr)
        return 1
    print(verdict.message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
