# Two commands on a fresh machine: `make` (set up, build every text in seeds/) and `make test`.
# The build is incremental: each output is a file target with its real inputs, so `make` with
# nothing changed does nothing, a change to edition/styles/print.css remakes only the PDFs, and a change
# to a text's YAML remakes its TEI and everything made from it. PDF and EPUB run side by side.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SETUP  := $(VENV)/.setup-done
OUT    := build
MAKEFLAGS += --jobs=2 --no-builtin-rules

TEXTS     := $(wildcard seeds/*.txt)
SLUGS     := $(patsubst seeds/%.txt,%,$(TEXTS))
REGISTERS := $(wildcard seeds/persons.yaml seeds/places.yaml seeds/works.yaml)
# the modules each output is made by (editing bench.py or cli.py remakes nothing)
READER    := $(wildcard edition/read/*.py) $(addprefix edition/,source.py editorial.py apparatus.py names.py spans.py \
               tei.py build.py outputs.py errors.py schema/edition.rng)
RENDER    := $(wildcard edition/render/*.py edition/render/weasyprint70/*.py) edition/typography.py edition/fork.py
# Source Serif 4, pinned, from npm into tools/fonts/ (git-ignored): every face print and EPUB set
FONTS     := tools/fonts/.installed
TEI       := $(SLUGS:%=$(OUT)/%.tei.xml)
PDF       := $(SLUGS:%=$(OUT)/%.pdf)
EPUB      := $(SLUGS:%=$(OUT)/%.epub)

.PHONY: all test check bench proof clean
.DELETE_ON_ERROR:

all: $(TEI) $(PDF) $(EPUB)

$(SETUP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

.SECONDEXPANSION:
$(OUT)/%.tei.xml: seeds/%.txt $$(wildcard seeds/$$*.yaml) $(REGISTERS) $(READER) $(SETUP)
	$(BIN)/edition build $< --out $(OUT) --format tei

$(OUT)/%.pdf $(OUT)/%-print.pdf $(OUT)/%-booklet.pdf $(OUT)/%-archival.pdf: \
		$(OUT)/%.tei.xml $(wildcard edition/styles/print.*) $(RENDER) $(FONTS)
	$(BIN)/edition build $< --out $(OUT) --format pdf

$(OUT)/%.epub: $(OUT)/%.tei.xml $(wildcard edition/styles/epub*) $(RENDER) $(FONTS)
	$(BIN)/edition build $< --out $(OUT) --format epub

$(FONTS): tools/setup-fonts.sh
	sh tools/setup-fonts.sh

ACE := tools/ace/node_modules/.bin/ace-cli
$(ACE): tools/setup-ace.sh
	sh tools/setup-ace.sh

# the slow tier (tests/test_stylesheets.py): the TEI Stylesheets need ant and Saxon HE, their ODT is read
# back by LibreOffice; all from Debian, the stylesheets themselves from ../shared
STYLESHEETS := $(VENV)/.stylesheets-done
$(STYLESHEETS): tools/setup-stylesheets.sh | $(SETUP)
	sh tools/setup-stylesheets.sh
	touch $@

CALIBRE := $(VENV)/.calibre-done
$(CALIBRE): tools/setup-calibre.sh | $(SETUP)
	sh tools/setup-calibre.sh
	touch $@

# the print-shop PDF's grey output intent (Debian's icc-profiles-free)
PRINTPROFILE := $(VENV)/.print-done
$(PRINTPROFILE): tools/setup-print.sh | $(SETUP)
	sh tools/setup-print.sh
	touch $@

test: $(SETUP) $(FONTS) $(ACE) $(STYLESHEETS) $(CALIBRE) $(PRINTPROFILE)
	$(BIN)/pytest -q

# the fast tier for the edit loop (under a minute on an idle 2-core machine): everything but the
# tests marked slow, the property tests with a fifth of their examples (tests/test_properties.py);
# it needs neither DAISY Ace, nor the TEI Stylesheets, nor calibre
check: $(SETUP) $(FONTS) $(PRINTPROFILE)
	EDITION_TESTS=fast $(BIN)/pytest -q -m "not slow"

bench: $(SETUP) $(FONTS)
	$(BIN)/edition bench

proof: all
	$(BIN)/edition proof

clean:
	rm -rf $(OUT)
