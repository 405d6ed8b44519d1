# shellcheck shell=bash
# Setup (b), sourced by bench/run.sh: `Registry:AuthRequired=true` (RFC 3139: every read needs a token), a read-only
# API token created through the server's own API and sent on every request; nginx serves the same files without auth
# (the ceiling). wrk sends the Authorization header to nginx too (it ignores it), so both get the same requests.
source "$repo/bench/setups/common.sh"

copy="$run/data"
copy_data "$main" "$copy"
gc_env=(GHOSTCRATE_Registry__AuthRequired=true)
start_ghostcrate "$copy"
start_nginx "$main"
log "GhostCrate (auth-required) on :$gc_port, nginx on :$ng_port, N=$crates"

# A read-only token (no endpoint scopes: docs/permissions.md), created with the dataset's admin token through
# PUT /api/v1/me/tokens, as a user would.
bench_token="$(curl -fsS -X PUT -H "Authorization: $admin_token" -H 'Content-Type: application/json' \
  --data '{"api_token":{"name":"bench-read","endpoint_scopes":[]}}' "http://127.0.0.1:$gc_port/api/v1/me/tokens" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["api_token"]["token"])')"
first="$(head -1 "$main/lists/index-paths.txt")"
without="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$gc_port$first")"
with="$(gc_curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$gc_port$first")"
log "an index file answers $without without the token and $with with it"
[[ $without == 401 && $with == 200 ]] || { echo "auth-required is not in effect (expected 401 then 200)" >&2; exit 1; }
echo "{\"without_token\":$without,\"with_token\":$with}" > "$run/results/auth-check.json"

export WRK_AUTH="$bench_token"
measure_reads ""
unset WRK_AUTH
