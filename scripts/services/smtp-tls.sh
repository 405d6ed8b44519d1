#!/usr/bin/env bash
# Runs a real SMTP server with STARTTLS (npm smtp-server, the server half of nodemailer) for the tests of Email:Tls and
# Email:TrustedCertificatesFile. maildev (smtp.sh) does not offer STARTTLS, and the certificate must be one the test
# made, so this server is started by the test that needs it (tests/GhostCrate.Testing's ServiceScript), not by
# scripts/test.sh.
#
#   scripts/services/smtp-tls.sh start DIR   # DIR must hold cert.pem, key.pem and password (see smtp-tls/server.cjs,
#                                            # and DIR/no-starttls to hide STARTTLS); starts it on 127.0.0.1:<free
#                                            # port>, pid in DIR/pid, log in DIR/log; writes DIR/env with
#                                            #   export GHOSTCRATE_TEST_SMTPTLS_HOST='127.0.0.1'
#                                            #   export GHOSTCRATE_TEST_SMTPTLS_PORT='PORT'
#                                            #   export GHOSTCRATE_TEST_SMTPTLS_RECEIVED='DIR/received.jsonl'
#   scripts/services/smtp-tls.sh stop DIR    # stops it
#
# Both verbs are idempotent and print nothing on success. What the server saw (logins, messages, and whether each
# came over TLS) is appended to DIR/received.jsonl, one JSON object a line.
source "$(dirname "${BASH_SOURCE[0]}")/lib/npm-service.sh"

SERVICE_NAME=smtp-server
SERVICE_MARK=smtp-tls/server.cjs
NPM_PACKAGE=smtp-server@3.21.7
server_js="$repo_root/scripts/services/smtp-tls/server.cjs"

prepare_start() {
  local dir="$1" file
  for file in cert.pem key.pem password; do
    [[ -f "$dir/$file" ]] || die "$dir/$file is missing (the test writes it before starting the server)"
  done
  port="$(free_port)"
}

launch_server() {
  local dir="$1"
  # server.cjs is CommonJS, so NODE_PATH finds smtp-server in .tools without copying the script there.
  setsid env NODE_PATH="$tools_dir/node_modules" node "$server_js" "$port" "$dir" </dev/null >"$dir/log" 2>&1 &
}

server_ready() { tcp_answers "$port"; }

write_env() {
  local dir="$1"
  {
    echo "export GHOSTCRATE_TEST_SMTPTLS_HOST='127.0.0.1'"
    echo "export GHOSTCRATE_TEST_SMTPTLS_PORT='$port'"
    echo "export GHOSTCRATE_TEST_SMTPTLS_RECEIVED='$dir/received.jsonl'"
  } >"$dir/env"
}

service_main "$@"
