#!/usr/bin/env bash
# Publishes the `ghostcrate` executable for one runtime into a folder: self-contained (the target needs no .NET),
# ReadyToRun (precompiled, so it starts fast), stamped with the version and the commit it was built from
# (`ghostcrate --version`). Used by scripts/install.sh, scripts/release.sh and deploy/container/Containerfile.
#
#   bash scripts/publish.sh RID OUTDIR     # RID: linux-x64, linux-arm64, win-x64 (any .NET runtime identifier)
#
# The build happens under artifacts/publish/ (its own bin/ and obj/), so it never mixes with `dotnet build`'s output.
# GHOSTCRATE_COMMIT names the commit when there is no git checkout (e.g. a container build context without .git).
#
# The output is the same bytes whatever folder the checkout is in (two clones of one commit give identical release
# archives): source paths are mapped to /_/ (PathMap), and the Razor pages are handed to the compiler under one fixed
# path (GhostCrateReproducibleRazorPaths in src/GhostCrate.Web/GhostCrate.Web.csproj says why).
set -euo pipefail

rid="${1:?usage: publish.sh RID OUTDIR}"
out="${2:?usage: publish.sh RID OUTDIR}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
artifacts="$repo_root/artifacts/publish"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mkdir -p "$out" "$repo_root/artifacts"
# One publish at a time per checkout: install.sh, release.sh and deploy/container/build.sh (and the tests that run
# them side by side) share artifacts/publish/, where two builds at once break each other's files.
exec 9>"$repo_root/artifacts/publish.lock"
flock 9
# Read after the lock: the commit named is the one checked out when this build starts, not when the script was
# started (a commit made while another publish held the lock would otherwise be built under the older name).
commit="${GHOSTCRATE_COMMIT:-$(git -C "$repo_root" rev-parse HEAD 2>/dev/null || echo unknown)}"
echo "==> publishing ghostcrate for $rid at commit $commit"

publish() {
  # No build servers: nothing keeps running after the script ends, and the compiler runs in each project's folder
  # (the Razor path mapping relies on it).
  dotnet publish "$repo_root/src/GhostCrate/GhostCrate.csproj" -c Release -r "$rid" --self-contained true \
    -p:PublishReadyToRun=true -p:SourceRevisionId="$commit" \
    "-p:PathMap=$repo_root=/_" -p:GhostCrateReproducibleRazorPaths=true \
    --artifacts-path "$artifacts" -o "$out" \
    -nologo -v:minimal -nodeReuse:false -p:UseSharedCompilation=false
}

# The commit is compiled into the assembly's informational version ("0.1.0+COMMIT", read by `ghostcrate --version`).
# What was built is checked rather than trusted to incremental builds: a published ghostcrate.dll that does not carry
# this commit is rebuilt from clean intermediate folders, and the script fails if it still does not.
stamped() { grep -qaF "+$commit" "$out/ghostcrate.dll"; }
publish
if ! stamped; then
  echo "publish.sh: $out/ghostcrate.dll does not carry commit $commit; rebuilding $rid from clean intermediate folders" >&2
  rm -rf "$artifacts"/obj/*/release_"$rid" "$artifacts"/bin/*/release_"$rid"
  publish
  stamped || { echo "publish.sh: $out/ghostcrate.dll still does not carry commit $commit" >&2; exit 1; }
fi
