#!/usr/bin/env bash
# Builds `ghostcrate` for this machine and installs it, so that `ghostcrate --version` works from any directory.
#
#   bash scripts/install.sh                    # /usr/local/lib/ghostcrate/ + /usr/local/bin/ghostcrate (needs root)
#   bash scripts/install.sh --prefix ~/.local  # ~/.local/lib/ghostcrate/ + ~/.local/bin/ghostcrate
#
# Needs the .NET 10 SDK to build; the installed program is self-contained and needs no .NET. Re-running it replaces
# the installed version (the old folder is swapped out in one rename). Data is never stored next to the program:
# `ghostcrate serve` keeps it in ./data of the directory it is started from (or --data-dir).
set -euo pipefail

prefix=/usr/local
while [[ $# -gt 0 ]]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v dotnet >/dev/null || { echo "install.sh: the .NET 10 SDK (dotnet) is needed to build ghostcrate" >&2; exit 1; }

case "$(uname -m)" in
  x86_64|amd64) rid=linux-x64 ;;
  aarch64|arm64) rid=linux-arm64 ;;
  *) echo "install.sh: no .NET runtime for $(uname -m); build it with dotnet publish -r RID" >&2; exit 1 ;;
esac

mkdir -p "$prefix/lib" "$prefix/bin"
prefix="$(cd "$prefix" && pwd)"
stage="$(mktemp -d "$prefix/lib/.ghostcrate-install.XXXXXX")"
trap 'rm -rf "$stage"' EXIT

echo "==> building ghostcrate for $rid"
bash "$repo_root/scripts/publish.sh" "$rid" "$stage/ghostcrate"

# Swap the folders with renames, so a failed build leaves the installed version as it was.
echo "==> installing into $prefix"
if [[ -d "$prefix/lib/ghostcrate" ]]; then mv "$prefix/lib/ghostcrate" "$stage/previous"; fi
mv "$stage/ghostcrate" "$prefix/lib/ghostcrate"
ln -sfn ../lib/ghostcrate/ghostcrate "$prefix/bin/ghostcrate"

"$prefix/bin/ghostcrate" --version
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "note: $prefix/bin is not on PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
