"""The build check: which features a llama-cpp-python build reports, against a CPU's flags.

The refused builds are simulated (a crashing build cannot be produced on this machine): fake
``llama_print_system_info()`` strings and fake ``/proc/cpuinfo`` flag sets. The installed build
is checked for real.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.backends.llamacpp_build import (
    Build,
    ProbeFailed,
    check,
    cmake_args,
    cpu_flags,
    judge,
    main,
    probe,
    reported_features,
)

# What this project's build reports (the real string, on this machine).
OURS = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | "
    "LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | "
)
# A default (-march=native) build made on a Sapphire Rapids Xeon, as pip's cache can hand over.
XEON_NATIVE = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX_VNNI = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | "
    "BMI2 = 1 | AVX512 = 1 | AVX512_VBMI = 1 | AVX512_VNNI = 1 | AVX512_BF16 = 1 | "
    "AMX_INT8 = 1 | LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | "
)
# This machine's CPU (an AMD EPYC without AVX-512), and a Xeon that has it all.
EPYC = {"fpu", "sse", "sse2", "pni", "ssse3", "sse4_2", "avx", "avx2", "fma", "f16c", "bmi2"}
XEON = EPYC | {"avx_vnni", "avx512f", "avx512vbmi", "avx512_vnni", "avx512_bf16"} | {
    "amx_tile", "amx_int8", "amx_bf16"
}  # fmt: skip
# An old CPU with AVX but none of the AVX2 generation.
SANDY_BRIDGE = {"fpu", "sse", "sse2", "pni", "ssse3", "sse4_2", "avx"}
AMX_CRASH = "ggml's AMX kernels crash (ggml-org/llama.cpp#20824)"


def pip_rebuild(extra: str = "") -> str:
    args = " ".join(cmake_args() + extra.split())
    return (
        f"CMAKE_ARGS='{args}' pip install --force-reinstall --no-deps --no-cache-dir "
        "--no-binary llama-cpp-python 'llama-cpp-python==0.3.36'"
    )


def test_our_build_runs_here() -> None:
    verdict = judge(Build("0.3.36", OURS), EPYC)
    assert verdict.ok and verdict.problems == {}
    assert verdict.message == "llama-cpp-python 0.3.36 runs on this CPU"


def test_a_native_xeon_build_is_refused_here_with_the_rebuild_command() -> None:
    verdict = judge(Build("0.3.36", XEON_NATIVE), EPYC)
    assert not verdict.ok
    assert verdict.problems == {
        "AMX_INT8": AMX_CRASH,
        "AVX512": "not on this CPU",
        "AVX512_BF16": "not on this CPU",
        "AVX512_VBMI": "not on this CPU",
        "AVX512_VNNI": "not on this CPU",
        "AVX_VNNI": "not on this CPU",
    }
    assert verdict.message == (
        "llama-cpp-python 0.3.36 is built with CPU features this machine must not run: "
        f"AMX_INT8 ({AMX_CRASH}), AVX512 (not on this CPU), AVX512_BF16 (not on this CPU), "
        "AVX512_VBMI (not on this CPU), AVX512_VNNI (not on this CPU), AVX_VNNI (not on this "
        "CPU). Rebuild it for this CPU: `make install-local` in the newsqa checkout, or "
        f"`{pip_rebuild()}`"
    )


def test_amx_is_refused_even_on_a_cpu_that_has_it() -> None:
    verdict = judge(Build("0.3.36", XEON_NATIVE), XEON)
    assert verdict.problems == {"AMX_INT8": AMX_CRASH}


@pytest.mark.parametrize("feature", ["AMX_TILE", "AMX_INT8", "AMX_BF16"])
def test_every_amx_feature_is_refused_even_when_the_cpu_is_unknown(feature: str) -> None:
    verdict = judge(Build("0.3.36", f"CPU : AVX = 1 | {feature} = 1 | "), None)
    assert verdict.problems == {feature: AMX_CRASH}


def test_a_cpu_without_what_our_build_uses_gets_the_options_that_turn_it_off() -> None:
    verdict = judge(Build("0.3.36", OURS), SANDY_BRIDGE)
    assert set(verdict.problems) == {"AVX2", "BMI2", "F16C", "FMA"}
    off = "-DGGML_AVX2=OFF -DGGML_BMI2=OFF -DGGML_F16C=OFF -DGGML_FMA=OFF"
    assert verdict.message.endswith(
        f"Rebuild it for this CPU: `CMAKE_ARGS='{off}' make install-local` in the newsqa "
        f"checkout, or `{pip_rebuild(off)}`"
    )


def test_unknown_cpu_flags_check_amx_only() -> None:
    assert judge(Build("0.3.36", OURS.replace("AVX2", "AVX512")), None).ok


@pytest.mark.parametrize(
    ("system_info", "features"),
    [
        (OURS, set("SSE3 SSSE3 AVX AVX2 F16C FMA BMI2 LLAMAFILE OPENMP REPACK".split())),
        ("CPU : AVX = 1 | AVX512 = 0 | AMX_INT8 = 0 | ", {"AVX"}),
        ("CPU : NEON = 1 | ARM_FMA = 1 | SVE_CNT = 16 | ", {"NEON", "ARM_FMA", "SVE_CNT"}),
        # Features of another backend are not the CPU's.
        ("CPU : AVX = 1 | AVX2 = 1 | CUDA : ARCHS = 890 | USE_GRAPHS = 1 | ", {"AVX", "AVX2"}),
        ("", set()),
    ],
)
def test_reported_features(system_info: str, features: set[str]) -> None:
    assert reported_features(system_info) == features


def test_cpu_flags_come_from_the_first_flags_line() -> None:
    cpuinfo = (
        "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx avx2 fma f16c\n\n"
        "processor\t: 1\nflags\t\t: fpu avx avx2 fma f16c\n"
    )
    assert cpu_flags(cpuinfo) == {"fpu", "avx", "avx2", "fma", "f16c"}
    assert cpu_flags("processor\t: 0\nFeatures\t: fp asimd\n") is None  # an ARM CPU


def test_cmake_args_choose_features_with_ggml_options() -> None:
    x86 = cmake_args("x86_64")
    assert x86[:2] == ["-DLLAVA_BUILD=OFF", "-DLLAMA_OPENSSL=OFF"]
    assert "-DGGML_NATIVE=OFF" in x86
    for on in ("AVX", "AVX2", "FMA", "F16C"):
        assert f"-DGGML_{on}=ON" in x86
    for off in ("AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16", "AMX_TILE", "AMX_INT8",
                "AMX_BF16"):  # fmt: skip
        assert f"-DGGML_{off}=OFF" in x86
    assert cmake_args("aarch64") == ["-DLLAVA_BUILD=OFF", "-DLLAMA_OPENSSL=OFF"]


def test_the_makefile_reads_the_cmake_args_without_a_virtualenv() -> None:
    script = Path(__file__).resolve().parents[3] / "service" / "backends" / "llamacpp_build.py"
    done = subprocess.run(
        [sys.executable, "-I", str(script), "cmake-args"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == cmake_args()


def test_a_build_that_crashes_when_asked_is_refused(tmp_path: Path) -> None:
    # Stands in for a Python whose llama-cpp-python dies on an instruction this CPU lacks.
    crashing = tmp_path / "python"
    crashing.write_text("#!/bin/sh\nkill -ILL $$\n")
    crashing.chmod(0o755)
    with pytest.raises(ProbeFailed) as info:
        probe(str(crashing))
    assert str(info.value).startswith(
        "llama-cpp-python crashed (SIGILL) while reporting its build: it is built for another "
        "CPU. Rebuild it for this CPU: `make install-local` in the newsqa checkout"
    )


def test_the_installed_build_passes(capsys: pytest.CaptureFixture[str]) -> None:
    verdict = check()
    assert verdict.ok, verdict.message
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CPU : ") and "runs on this CPU" in out
    assert os.path.exists("/proc/cpuinfo")  # so the CPU comparison really ran
