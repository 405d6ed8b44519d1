#!/usr/bin/env bash
# Builds the release archives of `ghostcrate` with their checksums:
#
#   bash scripts/release.sh                        # dist/: linux-x64, linux-arm64 (.tar.gz) and win-x64 (.zip)
#   bash scripts/release.sh --rid linux-x64 --out /tmp/dist   # one runtime (repeat --rid for more)
#
# Each archive holds one folder ghostcrate-VERSION-RID/ with the self-contained program (scripts/publish.sh), README.md
# and LICENSE-like files of the repository when present. dist/SHA256SUMS lists every archive (`sha256sum -c SHA256SUMS`
# checks them). Archives are reproducible for a commit: the same bytes from any clone of it, whatever its folder, umask
# or time zone (sorted entries, numeric owner 0, modes 755/644, the commit's time as mtime, zip times in UTC);
# tests/GhostCrate.EndToEnd/ReproducibleReleaseArchiveTests.cs builds one twice to show it.
# win-x64 is for air-gapped Windows machines that run `ghostcrate mirror ...` (serve works there too).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo_root/dist"
rids=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --rid) rids+=("${2:?--rid needs a runtime identifier}"); shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "release.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ ${#rids[@]} -gt 0 ]] || rids=(linux-x64 linux-arm64 win-x64)

version="$(dotnet msbuild "$repo_root/src/GhostCrate/GhostCrate.csproj" -getProperty:Version -nologo)"
mtime="$(git -C "$repo_root" log -1 --format=%ct 2>/dev/null || date +%s)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for rid in "${rids[@]}"; do
  name="ghostcrate-$version-$rid"
  echo "==> $name"
  bash "$repo_root/scripts/publish.sh" "$rid" "$work/$name"
  cp "$repo_root/README.md" "$work/$name/"
  # The umask decided the modes the files were written with; archives record modes, so they are set here.
  chmod -R u=rwX,go=rX "$work/$name"
  find "$work/$name" -exec touch -h -d "@$mtime" {} +
  case "$rid" in
    win-*)
      rm -f "$out/$name.zip"
      (cd "$work" && find "$name" -print | LC_ALL=C sort | TZ=UTC zip -X -q "$out/$name.zip" -@)
      ;;
    *)
      tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -cf - "$name" | gzip -n -9 > "$out/$name.tar.gz"
      ;;
  esac
done

# Only the archives that exist: a glob that matches nothing (no win-x64 asked for) would make sha256sum fail.
(cd "$out" && shopt -s nullglob && sha256sum ghostcrate-"$version"-*.tar.gz ghostcrate-"$version"-*.zip | LC_ALL=C sort -k2 > SHA256SUMS)
echo "==> $out"
(cd "$out" && ls -l ghostcrate-"$version"-* && cat SHA256SUMS)
