# Shortcuts for the scripts contributors run (CONTRIBUTING.md). Each target calls a script that also works alone.
# `make test FILTER=Yank PROJECT=Web` runs a part of the suite.

.PHONY: build test lint bench mirror-sample release image install

CONFIGURATION ?= Release
PREFIX ?= $(HOME)/.local

build:
	dotnet build GhostCrate.slnx -c $(CONFIGURATION)

test:
	bash scripts/test.sh $(if $(PROJECT),--project $(PROJECT)) $(if $(FILTER),--filter $(FILTER)) $(if $(LANE),--lane $(LANE))

# The analyzers run in every build (warnings are errors); this checks the workflow, Compose and Kubernetes files
# (.yamllint.yaml), the systemd units and the shell scripts' syntax.
lint:
	yamllint --strict .github deploy
	systemd-analyze verify deploy/systemd/*.timer
	bash -n scripts/*.sh scripts/services/*.sh deploy/container/build.sh

bench:
	bash bench/run.sh

# A small offline mirror of a few crates from crates.io into ./mirror-sample (needs network access to crates.io).
# `make mirror-sample SAMPLE_UPSTREAM=sparse+http://127.0.0.1:8000/index/ SAMPLE_CRATES=mycrate` mirrors from
# another registry (e.g. a local GhostCrate) instead; SAMPLE names the directory.
SAMPLE ?= mirror-sample
SAMPLE_UPSTREAM ?= sparse+https://index.crates.io/
SAMPLE_CRATES ?= serde,itoa

mirror-sample: build
	dotnet run --project src/GhostCrate -c $(CONFIGURATION) --no-build -- mirror init $(SAMPLE) --upstream $(SAMPLE_UPSTREAM) --crates $(SAMPLE_CRATES)
	dotnet run --project src/GhostCrate -c $(CONFIGURATION) --no-build -- mirror sync $(SAMPLE) --plain

release:
	bash scripts/release.sh

image:
	bash deploy/container/build.sh

install:
	bash scripts/install.sh --prefix $(PREFIX)
