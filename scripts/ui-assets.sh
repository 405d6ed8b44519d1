#!/usr/bin/env bash
# Vendors the web UI's front-end files from npm into src/GhostCrate.Web/wwwroot/vendor, reproducibly:
#   - the exact versions and tarball hashes come from src/GhostCrate.Web/ClientAssets/package-lock.json (`npm ci`),
#   - only the files listed below are copied, with each package's licence,
#   - wwwroot/vendor/VENDORED.txt records package, version, file and SHA-256 of every copied file,
#   - each file is also stored Brotli- (quality 11) and gzip- (level 9) compressed next to it (X.br, X.gz), which the
#     server sends to browsers that accept them: compressing the big files once here beats doing it on every start.
# The results are committed, so building and running GhostCrate never needs npm; run this only to change a version
# (edit ClientAssets/package.json, run `npm install --package-lock-only` there, then this script) and commit the diff.
#
#   bash scripts/ui-assets.sh            # vendor
#   bash scripts/ui-assets.sh --check    # exit 1 when wwwroot/vendor differs from what the lock file gives
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
assets="$repo_root/src/GhostCrate.Web/ClientAssets"
vendor="$repo_root/src/GhostCrate.Web/wwwroot/vendor"
check=0
[[ "${1:-}" == "--check" ]] && check=1

# package  source file (inside the package)  target name (inside wwwroot/vendor)
files=(
  "@picocss/pico  css/pico.min.css            pico.min.css"
  "htmx.org       dist/htmx.min.js            htmx.min.js"
  "chart.js       dist/chart.umd.min.js       chart.umd.min.js"
  "cytoscape      dist/cytoscape.min.js       cytoscape.min.js"
  "swagger-ui-dist swagger-ui-bundle.js       swagger-ui-bundle.js"
  "swagger-ui-dist swagger-ui.css             swagger-ui.css"
)
licenses=(
  "@picocss/pico  LICENSE.md  pico.LICENSE.md"
  "htmx.org       LICENSE     htmx.LICENSE"
  "chart.js       LICENSE.md  chart.js.LICENSE.md"
  "cytoscape      LICENSE     cytoscape.LICENSE"
  "swagger-ui-dist LICENSE    swagger-ui.LICENSE"
  "swagger-ui-dist NOTICE     swagger-ui.NOTICE"
)

work="$(mktemp -d /tmp/ghostcrate-ui-assets.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp "$assets/package.json" "$assets/package-lock.json" "$work/"
( cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null )

out="$work/out"
mkdir -p "$out/licenses"
manifest="$out/VENDORED.txt"
{
  echo "# Written by scripts/ui-assets.sh from src/GhostCrate.Web/ClientAssets/package-lock.json; do not edit."
  echo "# package version file sha256"
} >"$manifest"
for line in "${files[@]}"; do
  read -r package source target <<<"$line"
  version="$(node -p "require('$work/node_modules/$package/package.json').version")"
  cp "$work/node_modules/$package/$source" "$out/$target"
  echo "$package $version $target $(sha256sum "$out/$target" | cut -d' ' -f1)" >>"$manifest"
  # node's zlib output is deterministic for a given input and level, so --check can compare these too.
  node -e '
    const zlib = require("zlib"), fs = require("fs"), file = process.argv[1];
    const data = fs.readFileSync(file);
    fs.writeFileSync(file + ".br", zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
    fs.writeFileSync(file + ".gz", zlib.gzipSync(data, { level: 9 }));
  ' "$out/$target"
done
for line in "${licenses[@]}"; do
  read -r package source target <<<"$line"
  cp "$work/node_modules/$package/$source" "$out/licenses/$target"
done

if [[ $check -eq 1 ]]; then
  if diff -r "$out" "$vendor" >/dev/null; then
    echo "wwwroot/vendor matches package-lock.json"
    exit 0
  fi
  diff -r "$out" "$vendor" | head -n 20 >&2
  echo "wwwroot/vendor differs from package-lock.json; run scripts/ui-assets.sh and commit the result" >&2
  exit 1
fi
rm -rf "$vendor"
mkdir -p "$(dirname "$vendor")"
cp -r "$out" "$vendor"
echo "vendored into ${vendor#"$repo_root"/}:"
sed 1,2d "$manifest"
