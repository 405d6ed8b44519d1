#!/usr/bin/env bash
# Runs a real OpenID Provider (npm oidc-provider, a certified implementation) for the single sign-on tests.
#
#   scripts/services/oidc.sh start DIR   # starts it on 127.0.0.1:<free port>, pid in DIR/pid, log in DIR/log, and
#                                        # writes DIR/env with
#                                        #   export GHOSTCRATE_TEST_OIDC_ISSUER='http://127.0.0.1:PORT'
#                                        #   export GHOSTCRATE_TEST_OIDC_REGISTRATION='http://127.0.0.1:PORT/reg'
#   scripts/services/oidc.sh stop DIR    # stops it
#
# Both verbs are idempotent and print nothing on success. Clients register through Dynamic Client Registration;
# users and their group claims are described in scripts/services/oidc/provider.mjs, as is POST $ISSUER/test/rotate-keys
# (the provider switches to a new signing key; tests that use it start a provider of their own in another DIR). oidc-provider 9 wants Node 22+;
# it runs on Node 20 with a warning.
set -euo pipefail

OIDC_PROVIDER_VERSION=9.13.3
START_TIMEOUT_SECONDS=30
STOP_TIMEOUT_SECONDS=10

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools_dir="$repo_root/.tools"
provider_js="$repo_root/scripts/services/oidc/provider.mjs"

die() { echo "oidc.sh: $*" >&2; exit 1; }

usage() { die "usage: $0 start|stop DIR"; }

# True when PID is alive and runs our provider (a stale pid file must never make stop kill another process).
is_ours() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    # The provider runs as .tools/oidc-provider-test.mjs (see launch).
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'oidc-provider-test.mjs' || return 1
  fi
}

is_running() {
  local dir="$1"
  [[ -f "$dir/pid" ]] && is_ours "$(cat "$dir/pid")"
}

ensure_installed() {
  if [[ -f "$tools_dir/node_modules/oidc-provider/package.json" ]] \
    && grep -q "\"version\": \"$OIDC_PROVIDER_VERSION\"" "$tools_dir/node_modules/oidc-provider/package.json"; then
    return
  fi
  command -v npm >/dev/null || die "npm not found (Node 20+ is needed to run oidc-provider)"
  mkdir -p "$tools_dir"
  npm install --silent --no-audit --no-fund --prefix "$tools_dir" "oidc-provider@$OIDC_PROVIDER_VERSION" >/dev/null 2>&1 \
    || die "npm install oidc-provider@$OIDC_PROVIDER_VERSION failed"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

discovery_answers() {
  local port="$1"
  (exec 3<>"/dev/tcp/127.0.0.1/$port" \
    && printf 'GET /.well-known/openid-configuration HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$port" >&3 \
    && head -n 1 <&3 | grep -q ' 200 ') 2>/dev/null
}

launch() {
  local dir="$1" port="$2"
  # The provider resolves its package from .tools/node_modules (NODE_PATH does not apply to ES modules), so it
  # runs from a copy inside .tools.
  cp "$provider_js" "$tools_dir/oidc-provider-test.mjs"
  setsid env NODE_ENV=test node "$tools_dir/oidc-provider-test.mjs" "$port" </dev/null >"$dir/log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/pid"

  local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  until discovery_answers "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$dir/pid"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      stop "$dir"
      die "oidc-provider did not answer on port $port within ${START_TIMEOUT_SECONDS}s; see $dir/log"
    fi
    sleep 0.1
  done
}

start() {
  local dir="$1"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if is_running "$dir" && [[ -f "$dir/env" ]]; then return; fi
  stop "$dir"

  ensure_installed
  local port attempt
  for attempt in 1 2 3; do
    port="$(free_port)"
    if launch "$dir" "$port"; then break; fi
    if ((attempt == 3)); then die "oidc-provider exited during start-up; see $dir/log"; fi
  done

  # Written last: the env file existing means the provider is ready.
  {
    echo "export GHOSTCRATE_TEST_OIDC_ISSUER='http://127.0.0.1:$port'"
    echo "export GHOSTCRATE_TEST_OIDC_REGISTRATION='http://127.0.0.1:$port/reg'"
  } >"$dir/env"
}

stop() {
  local dir="$1"
  rm -f "$dir/env"
  if [[ ! -f "$dir/pid" ]]; then return; fi
  local pid
  pid="$(cat "$dir/pid")"
  if is_ours "$pid"; then
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT_SECONDS))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        kill -9 "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  fi
  rm -f "$dir/pid"
}

[[ $# -eq 2 ]] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
