# Two commands on a fresh machine: `make` (set up, build every text in seeds/) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SETUP  := $(VENV)/.setup-done

.PHONY: all build test bench proof clean

all: build

$(SETUP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: $(SETUP)
	$(BIN)/edition build

test: $(SETUP)
	$(BIN)/pytest -q

bench: $(SETUP)
	$(BIN)/edition bench

proof: build
	$(BIN)/edition proof

clean:
	rm -rf build
