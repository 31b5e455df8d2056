# The two commands of the README. Each sets up everything it needs on a fresh machine.
#   make demo   build the bundled example corpus into exports/ and show what is in it
#   make test   run the whole test suite
# Python 3.11+ is required; PYTHON picks the interpreter that creates the virtualenv.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install bench eval-card eval-card-cv clean

demo: $(STAMP)
	$(BIN)/kg build examples/papers.jsonl -o exports/ --offline
	$(BIN)/kg stats --graph exports/ --top 5
	$(BIN)/kg query --graph exports/ --named methods-on-hardware

test: $(STAMP)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python -m pytest -q -p no:cacheprovider

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("neurokg needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py --sizes 1000 10000

eval-card: $(STAMP)
	$(BIN)/python docs/evaluation_card.py --corpora ../shared/corpora

# Also reruns the 5-fold cross-validation (retrains 5 models: about 30 minutes).
eval-card-cv: $(STAMP)
	$(BIN)/python docs/evaluation_card.py --corpora ../shared/corpora --cross-validate

clean:
	rm -rf $(VENV) exports/*.ttl exports/*.nt exports/*.jsonld exports/*.graphml exports/*.parquet exports/*.html exports/build.json
