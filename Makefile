# Two entry points: `make demo` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: demo test test-sqlite test-postgres lint browser imap-server

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test,scale]"
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/tresen demo

# Debian's Chromium for the browser tests; without it (and without root) they skip.
browser:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
		echo "chromium missing and not root: browser tests will skip"; }

# Debian's Dovecot for the IMAP tests, which start their own on a loopback port: the package's
# service is stopped and disabled at once. Without it (and without root) the IMAP tests skip.
imap-server:
	@test -x /usr/sbin/dovecot || { [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && apt-get install -y -qq dovecot-imapd >/dev/null && \
		{ systemctl disable --now dovecot.service dovecot.socket 2>/dev/null || \
		service dovecot stop 2>/dev/null || true; }) || \
		echo "dovecot missing and not root: IMAP tests will skip"; }

test: $(STAMP) browser imap-server lint test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m django makemigrations --check --dry-run --settings=tresen.testing.settings >/dev/null

test-sqlite: $(STAMP)
	env -u TRESEN_TEST_DATABASE_URL $(BIN)/python -m pytest

# Runs again on PostgreSQL when TRESEN_TEST_DATABASE_URL points at one (browser tests once is enough).
test-postgres: $(STAMP)
	@if [ -n "$$TRESEN_TEST_DATABASE_URL" ]; then \
		$(BIN)/python -m pytest -m "not e2e"; \
	else echo "TRESEN_TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi
