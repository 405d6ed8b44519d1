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
source "$(dirname "${BASH_SOURCE[0]}")/lib/npm-service.sh"

SERVICE_NAME=maildev
SERVICE_MARK=maildev
NPM_PACKAGE=maildev@3.0.0
maildev_bin="$tools_dir/node_modules/maildev/dist/bin/maildev.js"
reused_ports_tried=0

prepare_start() {
  local dir="$1"
  mkdir -p "$dir/mail"
  if [[ -f "$dir/ports" ]]; then
    # A restart keeps its ports: trying others would strand the clients configured for them.
    ((reused_ports_tried == 0)) || return 1
    reused_ports_tried=1
    read -r smtp_port web_port password <"$dir/ports"
    return 0
  fi
  password="${password:-$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')}"
  smtp_port="$(free_port)"
  web_port="$(free_port)"
  while [[ $web_port == "$smtp_port" ]]; do web_port="$(free_port)"; done
}

launch_server() {
  local dir="$1"
  setsid node "$maildev_bin" --smtp "$smtp_port" --ip 127.0.0.1 --web "$web_port" --web-ip 127.0.0.1 \
    --incoming-user ghostcrate --incoming-pass "$password" --mail-directory "$dir/mail" \
    </dev/null >"$dir/log" 2>&1 &
}

server_ready() { http_ok "$web_port" /api/healthz && tcp_answers "$smtp_port"; }

write_env() {
  local dir="$1"
  echo "$smtp_port $web_port $password" >"$dir/ports"
  {
    echo "export GHOSTCRATE_TEST_SMTP_HOST='127.0.0.1'"
    echo "export GHOSTCRATE_TEST_SMTP_PORT='$smtp_port'"
    echo "export GHOSTCRATE_TEST_SMTP_USER='ghostcrate'"
    echo "export GHOSTCRATE_TEST_SMTP_PASSWORD='$password'"
    echo "export GHOSTCRATE_TEST_SMTP_API='http://127.0.0.1:$web_port'"
  } >"$dir/env"
}

service_main "$@"
