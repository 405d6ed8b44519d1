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
mirror-sample: build
	dotnet run --project src/GhostCrate -c $(CONFIGURATION) --no-build -- mirror init mirror-sample --upstream sparse+https://index.crates.io/ --crates serde,itoa
	dotnet run --project src/GhostCrate -c $(CONFIGURATION) --no-build -- mirror sync mirror-sample --plain

release:
	bash scripts/release.sh

image:
	bash deploy/container/build.sh

install:
	bash scripts/install.sh --prefix $(PREFIX)
