#!/usr/bin/env bash
# Runs a local S3-compatible server (s3rver) for the storage tests and the end-to-end lane.
#
#   scripts/services/s3.sh start DIR   # starts s3rver on 127.0.0.1:<free port>, data in DIR/data,
#                                      # pid in DIR/pid, log in DIR/log, and writes DIR/env with
#                                      #   export GHOSTCRATE_TEST_S3_URL='http://127.0.0.1:PORT'
#   scripts/services/s3.sh stop DIR    # stops it
#
# Both verbs are idempotent and print nothing on success. s3rver accepts the credentials S3RVER / S3RVER.
source "$(dirname "${BASH_SOURCE[0]}")/lib/npm-service.sh"

SERVICE_NAME=s3rver
SERVICE_MARK=s3rver
NPM_PACKAGE=s3rver@3.7.1
s3rver_bin="$tools_dir/node_modules/s3rver/bin/s3rver.js"

prepare_start() {
  mkdir -p "$1/data"
  port="$(free_port)"
}

launch_server() {
  local dir="$1"
  # --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 17+)
  # only offers through the legacy provider; without it every paginated listing fails with InternalError.
  setsid node --openssl-legacy-provider "$s3rver_bin" --directory "$dir/data" --address 127.0.0.1 --port "$port" --silent \
    </dev/null >"$dir/log" 2>&1 &
}

server_ready() { tcp_answers "$port"; }

write_env() {
  echo "export GHOSTCRATE_TEST_S3_URL='http://127.0.0.1:$port'" >"$1/env"
}

service_main "$@"
