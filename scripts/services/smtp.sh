#!/usr/bin/env bash
# Runs a real SMTP server (npm maildev: an SMTP server that keeps what it receives and shows it over HTTP) for the
# email notification tests.
#
#   scripts/services/smtp.sh start DIR   # starts maildev with SMTP on 127.0.0.1:<free port> (authentication required:
#                                        # user ghostcrate, password in DIR/env) and its HTTP API on 127.0.0.1:<free port>;
#                                        # pid in DIR/pid, log in DIR/log; writes DIR/env with
#                                        #   export GHOSTCRATE_TEST_SMTP_HOST='127.0.0.1'
#                                        #   export GHOSTCRATE_TEST_SMTP_PORT='PORT'
#                                        #   export GHOSTCRATE_TEST_SMTP_USER='ghostcrate'
#                                        #   export GHOSTCRATE_TEST_SMTP_PASSWORD='...'
#                                        #   export GHOSTCRATE_TEST_SMTP_API='http://127.0.0.1:PORT'
#   scripts/services/smtp.sh stop DIR    # stops it
#
# Starting again in the same DIR after a stop keeps the ports and the password (DIR/ports), so a client configured
# for the first start reaches the second (the tests of an SMTP outage rely on this).
# Both verbs are idempotent and print nothing on success. Received messages: GET $API/api/email (JSON list) and
# GET $API/api/email/{id}/source (the raw message as it arrived); DELETE $API/api/email/all empties the box.
set -euo pipefail

MAILDEV_VERSION=3.0.0
START_TIMEOUT_SECONDS=30
STOP_TIMEOUT_SECONDS=10

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools_dir="$repo_root/.tools"
maildev_bin="$tools_dir/node_modules/maildev/dist/bin/maildev.js"

die() { echo "smtp.sh: $*" >&2; exit 1; }

usage() { die "usage: $0 start|stop DIR"; }

# True when PID is alive and is our maildev (a stale pid file must never make stop kill another process).
is_ours() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'maildev' || return 1
  fi
}

is_running() {
  local dir="$1"
  [[ -f "$dir/pid" ]] && is_ours "$(cat "$dir/pid")"
}

ensure_installed() {
  if [[ -f "$tools_dir/node_modules/maildev/package.json" ]] \
    && grep -q "\"version\": \"$MAILDEV_VERSION\"" "$tools_dir/node_modules/maildev/package.json"; then
    return
  fi
  command -v npm >/dev/null || die "npm not found (Node 20+ is needed to run maildev)"
  mkdir -p "$tools_dir"
  npm install --silent --no-audit --no-fund --prefix "$tools_dir" "maildev@$MAILDEV_VERSION" >/dev/null 2>&1 \
    || die "npm install maildev@$MAILDEV_VERSION failed"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

api_answers() {
  local port="$1"
  (exec 3<>"/dev/tcp/127.0.0.1/$port" \
    && printf 'GET /api/healthz HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$port" >&3 \
    && head -n 1 <&3 | grep -q ' 200 ') 2>/dev/null
}

smtp_answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

launch() {
  local dir="$1" smtp_port="$2" web_port="$3" password="$4"
  # setsid detaches the server from the caller's process group so it outlives the calling shell.
  setsid node "$maildev_bin" --smtp "$smtp_port" --ip 127.0.0.1 --web "$web_port" --web-ip 127.0.0.1 \
    --incoming-user ghostcrate --incoming-pass "$password" --mail-directory "$dir/mail" \
    </dev/null >"$dir/log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/pid"

  local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  until api_answers "$web_port" && smtp_answers "$smtp_port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$dir/pid"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      stop "$dir"
      die "maildev did not answer on ports $smtp_port/$web_port within ${START_TIMEOUT_SECONDS}s; see $dir/log"
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
  mkdir -p "$dir/mail"
  local smtp_port web_port password attempt
  if [[ -f "$dir/ports" ]]; then
    read -r smtp_port web_port password <"$dir/ports"
    launch "$dir" "$smtp_port" "$web_port" "$password" || die "maildev could not start again on ports $smtp_port/$web_port; see $dir/log"
  else
    password="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
    for attempt in 1 2 3; do
      smtp_port="$(free_port)"
      web_port="$(free_port)"
      if [[ $smtp_port != "$web_port" ]] && launch "$dir" "$smtp_port" "$web_port" "$password"; then break; fi
      # Most likely another process took a port between free_port and maildev's bind: try others.
      if ((attempt == 3)); then die "maildev exited during start-up; see $dir/log"; fi
    done
    echo "$smtp_port $web_port $password" >"$dir/ports"
  fi

  # Written last: the env file existing means the server is ready.
  {
    echo "export GHOSTCRATE_TEST_SMTP_HOST='127.0.0.1'"
    echo "export GHOSTCRATE_TEST_SMTP_PORT='$smtp_port'"
    echo "export GHOSTCRATE_TEST_SMTP_USER='ghostcrate'"
    echo "export GHOSTCRATE_TEST_SMTP_PASSWORD='$password'"
    echo "export GHOSTCRATE_TEST_SMTP_API='http://127.0.0.1:$web_port'"
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
