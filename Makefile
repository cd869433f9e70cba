# The two commands a newcomer needs: `make lab` and `make test`. Each target is a line or two.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-from-pyproject

.PHONY: setup system-parts lab test grade bench lint clean-venv hub

setup: $(STAMP) system-parts

# Reinstall only when pyproject.toml changed (or the venv is missing).
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

system-parts:
	@bash deploy/install-system-parts.sh

# `make lab PORT=8899 IP=0.0.0.0` to choose where JupyterLab listens.
lab: setup
	$(PY) -m sociallearning.lab $(if $(PORT),--port $(PORT)) $(if $(IP),--ip $(IP))

test: setup
	$(PY) -m pytest -q

grade: setup
	$(PY) -m sociallearning.workspace prepare
	$(PY) -m autograder selfgrade

# As root: the course's JupyterHub on 127.0.0.1 (PORT, default 8000) with an instructor and
# two learners, passwords printed (deploy/jupyterhub/README.md).
hub: setup
	$(PY) deploy/jupyterhub/demo_hub.py $(if $(PORT),--port $(PORT))

bench: setup
	$(PY) -m benchmarks

lint: setup
	$(PY) -m ruff check .
	$(PY) -m sociallearning.notebooks check course exercises

clean-venv:
	rm -rf $(VENV)
