# The two commands of the README: `make run` and `make test`. Both create .venv if missing.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
# The CPU build of torch that lies on this machine's disk; unpinned, pip would pull CUDA builds.
TORCH  := torch==2.13.0

.PHONY: run test install bench bench-scale clean demo wordnet

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q $(TORCH)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP) wordnet

# WordNet 3.0 for the faithfulness guard (Debian's wordnet-base), OpenThesaurus for its German
# (Debian's mythes-de) and LibreOffice's thesauri for its French and Spanish (mythes-fr, mythes-es);
# without them the guard says so and runs on its own word lists
wordnet:
	@test -f /usr/share/wordnet/data.noun || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wordnet-base; } \
	  || echo "warning: could not install wordnet-base (run as root: apt-get install wordnet-base)"
	@test -f /usr/share/mythes/th_de_DE_v2.idx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mythes-de; } \
	  || echo "warning: could not install mythes-de (run as root: apt-get install mythes-de)"
	@test -f /usr/share/mythes/thes_fr.idx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mythes-fr; } \
	  || echo "warning: could not install mythes-fr (run as root: apt-get install mythes-fr)"
	@test -f /usr/share/mythes/th_es_ES_v2.idx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mythes-es; } \
	  || echo "warning: could not install mythes-es (run as root: apt-get install mythes-es)"

# the web app on 127.0.0.1:8501 with the sample consultation loaded, and a Chroma server on the data
# folder (a free port of 127.0.0.1) that the app and the CLI share; both stop together
run: $(STAMP) wordnet
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m ui.launch $(ARGS)

# headless: import the sample and print its moderation queue and analysis
demo: $(STAMP)
	$(VENV)/bin/deliberation demo

# PYTEST_WORKERS=2 (the default): the tests in two pytest-xdist processes, one per core of the 2-core
# machine they are kept under 30 minutes on; tests/conftest.py keeps each module on one worker and the
# browser rooms and real-model tests on one (--dist loadscope). `make test PYTEST_WORKERS=`: one process.
PYTEST_WORKERS ?= 2
test: $(STAMP)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m pytest -q $(if $(PYTEST_WORKERS),-n $(PYTEST_WORKERS) --dist loadscope)

bench: $(STAMP)
	$(PY) bench/bench_models.py
	$(PY) bench/bench_embeddings.py
	$(PY) bench/bench_groups.py
	$(PY) bench/bench_group_fidelity.py
	$(PY) bench/bench_stats.py
	$(PY) bench/bench_graph.py
	$(PY) bench/bench_grounding.py
	$(PY) bench/bench_votes.py
	$(PY) bench/bench_chroma.py
	$(PY) bench/bench_vote_next.py
	$(PY) bench/bench_imports.py

# 100,000 participants x 10,000 statements end to end (about 5 minutes and 2.5 GB on a quiet machine)
bench-scale: $(STAMP)
	$(PY) bench/bench_scale.py

clean:
	rm -rf $(VENV) data
