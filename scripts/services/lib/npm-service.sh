#!/usr/bin/env bash
# Shared by the scripts that run a test server from npm (s3.sh, oidc.sh, smtp.sh): installing a pinned package into
# .tools, free ports, pid files that never make `stop` kill a stranger, waiting for readiness with a deadline, and the
# `start|stop DIR` command line. Each script sets the variables below, defines `launch_server DIR` (starts the server
# in the background and prints nothing) and `server_ready DIR` (true once it answers), then calls `service_main "$@"`.
#
#   SERVICE_NAME      name used in messages (s3rver, oidc-provider, maildev)
#   SERVICE_MARK      text that our server's command line contains (/proc/PID/cmdline)
#   NPM_PACKAGE       package@version installed into .tools (empty: nothing to install)
#   prepare_start DIR (optional) chooses ports etc. before each launch attempt; return 1 to stop retrying
#   write_env DIR     writes DIR/env once the server answers (the env file existing means "ready")
set -euo pipefail

START_TIMEOUT_SECONDS=30
STOP_TIMEOUT_SECONDS=10

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
tools_dir="$repo_root/.tools"

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# True when PID is alive and is our server: after a reboot a stale pid file may name an unrelated process, which
# stop must never kill.
is_ours() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$SERVICE_MARK" || return 1
  fi
}

is_running() {
  local dir="$1"
  [[ -f "$dir/pid" ]] && is_ours "$(cat "$dir/pid")"
}

# Installs NPM_PACKAGE (name@version) into .tools unless that exact version is there. --prefix keeps it out of the
# global node_modules and out of the checkout's tracked files (.tools is ignored).
ensure_installed() {
  [[ -n "${NPM_PACKAGE:-}" ]] || return 0
  local name="${NPM_PACKAGE%@*}" version="${NPM_PACKAGE##*@}"
  local manifest="$tools_dir/node_modules/$name/package.json"
  if [[ -f "$manifest" ]] && grep -q "\"version\": \"$version\"" "$manifest"; then return; fi
  command -v npm >/dev/null || die "npm not found (Node 20+ is needed to run $SERVICE_NAME)"
  mkdir -p "$tools_dir"
  npm install --silent --no-audit --no-fund --prefix "$tools_dir" "$NPM_PACKAGE" >/dev/null 2>&1 \
    || die "npm install $NPM_PACKAGE failed"
}

# An ephemeral port from the kernel. Another process could take it before the server binds it; the server then
# exits, which start notices, and it tries another port.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

tcp_answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when GET PATH on 127.0.0.1:PORT answers 200.
http_ok() {
  local port="$1" path="$2"
  (exec 3<>"/dev/tcp/127.0.0.1/$port" \
    && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$path" "$port" >&3 \
    && head -n 1 <&3 | grep -q ' 200 ') 2>/dev/null
}

# Launches the server (setsid: it outlives the calling shell) and waits until server_ready; returns 1 when it exits
# first (most likely a port taken meanwhile), dies at the deadline.
launch_and_wait() {
  local dir="$1"
  launch_server "$dir"
  local pid=$!
  echo "$pid" >"$dir/pid"
  local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  until server_ready "$dir"; do
    # Plain liveness, not is_ours: until the exec the child's command line is still this script's.
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$dir/pid"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      stop "$dir"
      die "$SERVICE_NAME did not answer within ${START_TIMEOUT_SECONDS}s; see $dir/log"
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
  local attempt
  for attempt in 1 2 3; do
    if declare -F prepare_start >/dev/null; then prepare_start "$dir" || die "$SERVICE_NAME could not start; see $dir/log"; fi
    if launch_and_wait "$dir"; then break; fi
    if ((attempt == 3)); then die "$SERVICE_NAME exited during start-up; see $dir/log"; fi
  done
  # Written last: the env file existing means the server is ready.
  write_env "$dir"
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

service_main() {
  [[ $# -eq 2 ]] || die "usage: $0 start|stop DIR"
  case "$1" in
    start) start "$2" ;;
    stop) stop "$2" ;;
    *) die "usage: $0 start|stop DIR" ;;
  esac
}
