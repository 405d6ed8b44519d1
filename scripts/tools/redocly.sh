#!/usr/bin/env bash
# Installs Redocly's OpenAPI linter (npm @redocly/cli) into .tools/redocly, like scripts/services/s3.sh installs
# s3rver, and prints the path of its executable. scripts/test.sh exports it as GHOSTCRATE_TEST_REDOCLY for the test
# that lints /api/openapi.json (tests/GhostCrate.Web.Tests/OpenApi).
#
#   bash scripts/tools/redocly.sh        # prints e.g. /repo/.tools/redocly/node_modules/.bin/redocly
set -euo pipefail

REDOCLY_VERSION=2.11.1

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prefix="$repo_root/.tools/redocly"
bin="$prefix/node_modules/.bin/redocly"
package="$prefix/node_modules/@redocly/cli/package.json"

die() { echo "redocly.sh: $*" >&2; exit 1; }

if ! [[ -x "$bin" && -f "$package" ]] || ! grep -q "\"version\": \"$REDOCLY_VERSION\"" "$package"; then
  command -v npm >/dev/null || die "npm not found (Node 20 is needed to run @redocly/cli)"
  mkdir -p "$prefix"
  # Its own prefix: the linter's many dependencies stay apart from the test servers' in .tools/node_modules.
  npm install --silent --no-audit --no-fund --prefix "$prefix" "@redocly/cli@$REDOCLY_VERSION" >/dev/null 2>&1 \
    || die "npm install @redocly/cli@$REDOCLY_VERSION failed"
fi
[[ -x "$bin" ]] || die "$bin is missing after npm install"
echo "$bin"
