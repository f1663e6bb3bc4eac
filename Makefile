# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install run ingest test lint typecheck pytest browser clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# llama-cpp-python (the `local` extra) compiles llama.cpp for this CPU: ~4 min on 2 cores the
# first time, then pip's wheel cache. The multimodal library and HTTPS downloads are not
# needed. ggml's AMX kernels segfault on some Xeons (ggml-org/llama.cpp#20824), this
# machine's among them: build x86-64 without them (AVX-512 stays).
LLAMA_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DLLAMA_OPENSSL=OFF
ifeq ($(shell uname -m),x86_64)
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
LLAMA_CMAKE_ARGS += '-DCMAKE_C_FLAGS=$(NO_AMX)' '-DCMAKE_CXX_FLAGS=$(NO_AMX)'
endif

# Reinstall only when the dependency files change.
$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt torch==2.13.0
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS) $(CMAKE_ARGS)" \
		$(PIP) install --quiet -c constraints.txt -e '.[dev,local,eval]'
	touch $(STAMP)

install: $(STAMP)

ingest: install
	$(PY) -m ingest data/corpus

run: ingest
	$(PY) -m service serve --host $(HOST) --port $(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	$(VENV)/bin/pytest

# The page's tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

test: lint typecheck browser pytest

# The demo question set in extractive mode; fails below evals/thresholds.yaml (docs/evaluation.md).
.PHONY: eval
eval: install
	$(PY) -m evals run demo --mode extractive --thresholds

# The bench suite (docs/benchmarks.md): about 1k and 10k generated chunks, under 25 minutes on
# an idle 2-core machine. BENCH_ARGS=--large adds the 100k-chunk corpus (its embeddings are
# cached in ~/.cache/newsqa-bench after the first run).
.PHONY: bench
BENCH_ARGS ?=
bench: install
	$(PIP) install --quiet -c constraints.txt -e '.[bench]'
	$(PY) -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data/index .mypy_cache .pytest_cache .ruff_cache
