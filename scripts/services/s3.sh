#!/usr/bin/env bash
# Runs a local S3-compatible server (s3rver) for the storage tests and the end-to-end lane.
#
#   scripts/services/s3.sh start DIR   # starts s3rver on 127.0.0.1:<free port>, data in DIR/data,
#                                      # pid in DIR/pid, log in DIR/log, and writes DIR/env with
#                                      #   export GHOSTCRATE_TEST_S3_URL='http://127.0.0.1:PORT'
#   scripts/services/s3.sh stop DIR    # stops it
#
# Both verbs are idempotent and print nothing on success. s3rver accepts the credentials S3RVER / S3RVER.
set -euo pipefail

S3RVER_VERSION=3.7.1
START_TIMEOUT_SECONDS=30
STOP_TIMEOUT_SECONDS=10

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools_dir="$repo_root/.tools"
s3rver_bin="$tools_dir/node_modules/s3rver/bin/s3rver.js"

die() { echo "s3.sh: $*" >&2; exit 1; }

usage() { die "usage: $0 start|stop DIR"; }

# True when PID is alive and is our s3rver: after a reboot a stale pid file may name an unrelated process,
# which stop must never kill.
is_ours() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 's3rver' || return 1
  fi
}

is_running() {
  local dir="$1"
  [[ -f "$dir/pid" ]] && is_ours "$(cat "$dir/pid")"
}

ensure_installed() {
  if [[ -f "$s3rver_bin" ]]; then return; fi
  command -v npm >/dev/null || die "npm not found (Node 20 is needed to run s3rver)"
  mkdir -p "$tools_dir"
  # --prefix keeps s3rver out of the global node_modules and out of the checkout's tracked files (.tools is ignored).
  npm install --silent --no-audit --no-fund --prefix "$tools_dir" "s3rver@$S3RVER_VERSION" >/dev/null 2>&1 \
    || die "npm install s3rver@$S3RVER_VERSION failed"
}

free_port() {
  # Ask the kernel for an ephemeral port. Another process could take it before s3rver binds it; start() notices
  # that because s3rver then exits, and the caller can simply run start again.
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

port_answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts s3rver on PORT and waits until it accepts connections; fails if it exits first.
launch() {
  local dir="$1" port="$2"
  # setsid detaches the server from the caller's process group so it outlives the calling shell.
  # --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 17+)
  # only offers through the legacy provider; without it every paginated listing fails with InternalError.
  setsid node --openssl-legacy-provider "$s3rver_bin" --directory "$dir/data" --address 127.0.0.1 --port "$port" --silent \
    </dev/null >"$dir/log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/pid"

  local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  until port_answers "$port"; do
    # Plain liveness, not is_ours: until the exec the child's command line is still this script's.
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$dir/pid"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      stop "$dir"
      die "s3rver did not answer on port $port within ${START_TIMEOUT_SECONDS}s; see $dir/log"
    fi
    sleep 0.1
  done
}

start() {
  local dir="$1"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if is_running "$dir" && [[ -f "$dir/env" ]]; then return; fi
  # A stale pid file (crashed server, rebooted machine) must not stop a fresh start.
  stop "$dir"

  ensure_installed
  mkdir -p "$dir/data"
  local port attempt
  for attempt in 1 2 3; do
    port="$(free_port)"
    if launch "$dir" "$port"; then break; fi
    # Most likely another process took the port between free_port and s3rver's bind: try another one.
    if ((attempt == 3)); then die "s3rver exited during start-up; see $dir/log"; fi
  done

  # Written last: the env file existing means the server is ready.
  echo "export GHOSTCRATE_TEST_S3_URL='http://127.0.0.1:$port'" >"$dir/env"
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
