# Massar — the two commands a newcomer needs are `make demo` and `make test`.
# Only Python >= 3.11 and make are required: uv is bootstrapped into .uv/ and installs the rest.

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .uv/bin/uv
RUN := $(UV) run --frozen --no-sync
PORT ?= 8000
DEMO_ENV := DEBUG=1

.PHONY: demo test install lint format messages api-docs bench clean

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	@touch $@

install: .venv/.synced

demo: install
	$(DEMO_ENV) $(RUN) python manage.py migrate --no-input
	$(DEMO_ENV) $(RUN) python manage.py seed_demo
	@echo "Massar demo: http://127.0.0.1:$(PORT)/  (logins in README.md, password massar-demo)"
	@# One background worker runs the queued tasks (timetable generation) beside the web server.
	$(DEMO_ENV) $(RUN) python manage.py db_worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(RUN) python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(RUN) pytest

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports
	MASSAR_ALLOW_INSECURE_KEY=1 $(RUN) python manage.py makemigrations --check --dry-run

format: install
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

messages: install
	MASSAR_ALLOW_INSECURE_KEY=1 $(RUN) python manage.py makemessages -l ar -l fr --no-location --ignore=.venv --ignore=.uv
	MASSAR_ALLOW_INSECURE_KEY=1 $(RUN) python manage.py compilemessages --ignore=.venv --ignore=.uv

api-docs: install
	MASSAR_ALLOW_INSECURE_KEY=1 $(RUN) python manage.py export_openapi_schema --api massar.web.api.api --output docs/api/openapi.json --indent 2

clean:
	rm -rf .uv .venv var

bench: install
	$(RUN) python benchmarks/territory_scope.py
	$(RUN) python benchmarks/students_import.py
	$(RUN) python benchmarks/students_bulk_load.py
	$(RUN) python benchmarks/students_search.py
	$(RUN) python benchmarks/certificates_pdf.py
	$(RUN) python benchmarks/schooling_placement.py
	$(RUN) python benchmarks/timetable_conflicts.py
	$(RUN) python benchmarks/timetable_generation_run.py
	$(RUN) python benchmarks/timetable_generator.py
	$(RUN) python benchmarks/assessment_averages.py --pupils 100000
	$(RUN) python benchmarks/assessment_sheet_saves.py
	$(RUN) python benchmarks/assessment_report_cards.py
