# The whole set-up is two commands: `make book` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Single-threaded BLAS/OpenMP keeps the labs' numbers identical run to run (nbval compares them).
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYTHONHASHSEED := 0

.PHONY: all install system-deps vendor book pdf test unit labs-test test-portability site-test lab serve notebooks explore-data sync-url bench clean

all: book

# --- set-up (idempotent: skipped when requirements and pyproject are unchanged) ---
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (sgd)" >/dev/null
	touch $@

install: $(STAMP)

# Debian packages for the browser tests and the PDF: Chromium, a Hangul font, poppler-utils (apt only when one is missing).
system-deps:
	bash tools/install_system_deps.sh

# MathJax, require.js and the widget html-manager, served by the site itself (no CDN at view time),
# and axe-core for the accessibility test (tests/site/_vendor, not served).
vendor:
	bash tools/vendor_js.sh

# --- the site ---
# The site, then the whole book as one PDF printed from it (_build/html/sgd-course.pdf, linked from every page; the
# system Chromium prints it), then the link check, which would find the PDF link dead if printing had failed.
book: install vendor system-deps
	rm -rf _build/html
	$(VENV)/bin/jupyter-book build . --all --warningiserror --nitpick --keep-going
	$(PY) tools/build_pdf.py _build/html
	$(PY) tools/check_links.py _build/html

# The PDF again from the site already built (the whole `make book` when there is none).
pdf: install vendor system-deps
	if [[ -f _build/html/index.html ]]; then $(PY) tools/build_pdf.py _build/html; else $(MAKE) book; fi

# --- tests ---
# nbval in strict mode: the stored outputs must come back exactly. No sanitising of numbers: an experiment whose printed
# result depends on the CPU's kernels is fixed in the experiment (float64, statistics over seeds), not here.
NBVAL := $(PY) -m pytest --nbval labs --nbval-sanitize-with tests/nbval_sanitize.cfg -q -p no:cacheprovider

# The site's precomputed figure data (book/_ext/explore_data) must come back byte for byte from a fresh run (~5 min).
# The labs are checked twice: on this machine's own CPU kernels and on torch's generic ones (`default`, the path
# that differs most from AVX2/AVX-512), so outputs stored on one machine hold on every learner's.
test: install system-deps
	$(PY) -m pytest tests --ignore=tests/site -q -p no:cacheprovider -n 2
	$(PY) tools/explorable_data.py --check
	$(NBVAL) -n 2 --dist loadfile
	ATEN_CPU_CAPABILITY=default $(NBVAL) -n 2 --dist loadfile
	$(MAKE) book
	ATEN_CPU_CAPABILITY=default $(PY) tools/portability.py --chapters-against-build
	$(PY) -m pytest tests/site -q -p no:cacheprovider

unit: install
	$(PY) -m pytest tests --ignore=tests/site -q

labs-test: install
	$(NBVAL)

# The full matrix: every CPU kernel path this CPU has (default, avx2, avx512) x 1 and 2 threads, for the labs
# (nbval) and the chapters' executed cells (their text outputs must be the same on every path).
test-portability: install
	$(PY) tools/portability.py

site-test: install system-deps vendor
	$(PY) -m pytest tests/site -q

# Re-execute every lab in place so the stored outputs (what the site shows and nbval compares) are current.
notebooks: install
	$(PY) tools/execute_labs.py labs/*.ipynb

# Recompute the site's precomputed explorable grids (book/_ext/explore_data/*.json; --check to verify only).
explore-data: install
	$(PY) tools/explorable_data.py

# Rewrite the Colab badges and install lines from _config.yml's repository.url.
sync-url: install
	$(PY) tools/sync_repo_url.py

bench: install
	$(PY) benchmarks/step_time.py

lab: install
	$(VENV)/bin/jupyter lab --ip=$(HOST) --no-browser labs

serve:
	@test -d _build/html || { echo "먼저 make book 을 실행하세요."; exit 1; }
	$(PY) -m http.server $(PORT) --bind $(HOST) --directory _build/html

clean:
	rm -rf _build .jupyter_cache
