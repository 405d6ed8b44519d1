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
# (the provider switches to a new signing key; tests that use it start a provider of their own in another DIR).
# oidc-provider 9 wants Node 22+; it runs on Node 20 with a warning.
source "$(dirname "${BASH_SOURCE[0]}")/lib/npm-service.sh"

SERVICE_NAME=oidc-provider
# The provider runs as .tools/oidc-provider-test.mjs (see launch_server).
SERVICE_MARK=oidc-provider-test.mjs
NPM_PACKAGE=oidc-provider@9.13.3
provider_js="$repo_root/scripts/services/oidc/provider.mjs"

prepare_start() { port="$(free_port)"; }

launch_server() {
  local dir="$1"
  # The provider resolves its package from .tools/node_modules (NODE_PATH does not apply to ES modules), so it
  # runs from a copy inside .tools.
  cp "$provider_js" "$tools_dir/oidc-provider-test.mjs"
  setsid env NODE_ENV=test node "$tools_dir/oidc-provider-test.mjs" "$port" </dev/null >"$dir/log" 2>&1 &
}

server_ready() { http_ok "$port" /.well-known/openid-configuration; }

write_env() {
  {
    echo "export GHOSTCRATE_TEST_OIDC_ISSUER='http://127.0.0.1:$port'"
    echo "export GHOSTCRATE_TEST_OIDC_REGISTRATION='http://127.0.0.1:$port/reg'"
  } >"$1/env"
}

service_main "$@"
