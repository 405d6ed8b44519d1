#!/usr/bin/env bash
# Publishes the `ghostcrate` executable for one runtime into a folder: self-contained (the target needs no .NET),
# ReadyToRun (precompiled, so it starts fast), stamped with the version and the commit it was built from
# (`ghostcrate --version`). Used by scripts/install.sh, scripts/release.sh and deploy/container/Containerfile.
#
#   bash scripts/publish.sh RID OUTDIR     # RID: linux-x64, linux-arm64, win-x64 (any .NET runtime identifier)
#
# The build happens under artifacts/publish/ (its own bin/ and obj/), so it never mixes with `dotnet build`'s output.
# GHOSTCRATE_COMMIT names the commit when there is no git checkout (e.g. a container build context without .git).
set -euo pipefail

rid="${1:?usage: publish.sh RID OUTDIR}"
out="${2:?usage: publish.sh RID OUTDIR}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

commit="${GHOSTCRATE_COMMIT:-$(git -C "$repo_root" rev-parse HEAD 2>/dev/null || echo unknown)}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mkdir -p "$out" "$repo_root/artifacts"
# One publish at a time per checkout: install.sh, release.sh and deploy/container/build.sh (and the tests that run
# them side by side) share artifacts/publish/, where two builds at once break each other's files.
exec 9>"$repo_root/artifacts/publish.lock"
flock 9
# No build servers: nothing keeps running after the script ends.
dotnet publish "$repo_root/src/GhostCrate/GhostCrate.csproj" -c Release -r "$rid" --self-contained true \
  -p:PublishReadyToRun=true -p:SourceRevisionId="$commit" \
  --artifacts-path "$repo_root/artifacts/publish" -o "$out" \
  -nologo -v:minimal -nodeReuse:false -p:UseSharedCompilation=false
