#!/usr/bin/env bash
# What one cold index file costs a warmed-up proxy: the server's CPU per file (its answer and everything it does for
# it afterwards, the write-behind's save included) and the wall time of the requests, for index files the proxy has
# never seen, as `cargo generate-lockfile` meets them in setup (e) (bench/setups/proxy-cold.sh).
#
#   bash bench/cold-index-probe.sh --server DIR                        # 3 rounds of 1000 files, one by one
#   bash bench/cold-index-probe.sh --server DIR --files 500 --rounds 4 --parallel 8
#   bash bench/cold-index-probe.sh --server A --server B --turns 3     # A and B in turns, a fresh server each
#
# DIR is a published server (bench/ab.sh says how to make one); the dataset must exist (bash bench/run.sh
# --generate-only). nginx serves the dataset as the upstream of two proxy mounts of one GhostCrate on an empty data
# directory: `warmup` is asked first (untimed, three rounds as setup (e) does, so the cold path is JIT-compiled and
# tiered up), then, after an untimed round 0 of the same size, each round asks `crates-io` for --files index files no
# round asked before, with curl over one
# connection (--parallel N: N at once, as cargo asks a level of its resolve). A round's CPU is read from
# /proc/PID/stat before its first request, after its last answer (the part a build waits behind), and after the
# mount's admin status counts every file of the round as stored (that read writes what waits) and the CPU settled. Extra server settings: GHOSTCRATE_PROBE_ENV="VAR=value ..." (e.g. DOTNET_TieredPGO=0).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
work="${GHOSTCRATE_BENCH_WORK:-/tmp/ghostcrate-bench}"
servers=() crates=10000 files=1000 rounds=3 parallel=1 turns=1 warmup_crates=300
while [[ $# -gt 0 ]]; do
  case "$1" in
    --server) servers+=("$2"); shift 2 ;;
    --crates) crates="$2"; shift 2 ;;
    --files) files="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --turns) turns="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "cold-index-probe.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ ${#servers[@]} -gt 0 ]] || { echo "cold-index-probe.sh: give --server DIR (see --help)" >&2; exit 2; }
for s in "${servers[@]}"; do [[ -x "$s/ghostcrate" ]] || { echo "cold-index-probe.sh: $s/ghostcrate is not a published server" >&2; exit 2; }; done
ds="$work/n$crates"
[[ -f "$ds/lists/index-paths.txt" ]] || { echo "cold-index-probe.sh: no dataset in $ds" >&2; exit 2; }
total=$(( warmup_crates + files * (rounds + 1) ))
[[ $total -le $(wc -l < "$ds/lists/index-paths.txt") ]] || { echo "cold-index-probe.sh: $total files asked, the dataset has fewer" >&2; exit 2; }
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
admin_token="bench-admin-token-0123456789abcdef"
hz="$(getconf CLK_TCK)"
log() { echo "==> $*" >&2; }

bench_workdir "$work" probe
start_nginx "$ds"
shuf --random-source=<(yes) "$ds/lists/index-paths.txt" > "$run/paths.txt"

# curl_config BASE FROM COUNT -> a curl config asking BASE for COUNT index paths from line FROM of the shuffled list
curl_config() { sed -n "$2,$(( $2 + $3 - 1 ))p" "$run/paths.txt" | sed "s|^\(.*\)\$|url = \"$1\1\"\noutput = \"/dev/null\"|"; }

indexed() {
  curl -fsS -H "Authorization: $admin_token" "http://127.0.0.1:$port/api/v1/admin/proxy/status" |
    python3 -c 'import json, sys; print(next(u["cache"]["indexFiles"] for u in json.load(sys.stdin)["upstreams"] if u["name"] == sys.argv[1]))' "$1"
}

# stored MOUNT COUNT -> waits (at most 30 s) until the mount's cache holds COUNT index files, then for the CPU to settle
stored() {
  local deadline=$(( $(now_ms) + 30000 )) before after
  until [[ "$(indexed "$1")" -ge $2 ]]; do
    [[ $(now_ms) -lt $deadline ]] || { log "$1: fewer than $2 index files stored after 30 s"; break; }
    sleep 0.05
  done
  before="$(cpu_ticks "$pid")"
  while true; do
    sleep 0.3
    after="$(cpu_ticks "$pid")"
    [[ $after -eq $before ]] && break
    before="$after"
  done
}

probe() {
  local server="$1" label="$2" round from t0 t1 c0 cm c1 asked=0
  rm -rf "$run/data"; mkdir -p "$run/data"
  port="$(free_port)"
  # shellcheck disable=SC2086 # GHOSTCRATE_PROBE_ENV is a list of VAR=value words
  env GHOSTCRATE_ADMIN_TOKEN="$admin_token" GHOSTCRATE_Proxy__Enabled=true \
    "GHOSTCRATE_Proxy__Upstreams__crates-io__IndexUrl=http://127.0.0.1:$ng_port/index/" "GHOSTCRATE_Proxy__Upstreams__crates-io__HttpProxy=none" \
    "GHOSTCRATE_Proxy__Upstreams__warmup__IndexUrl=http://127.0.0.1:$ng_port/index/" "GHOSTCRATE_Proxy__Upstreams__warmup__HttpProxy=none" \
    ${GHOSTCRATE_PROBE_ENV:-} "$server/ghostcrate" serve --data-dir "$run/data" --urls "http://127.0.0.1:$port" > "$run/server.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_ready "http://127.0.0.1:$port/ready" "$pid" "$run/server.log"
  # Warm-up: a third of the warm-up files per round, at once and then again as hits, with pauses for tiered compilation.
  for round in 0 1 2; do
    curl_config "http://127.0.0.1:$port/warmup" $(( 1 + round * warmup_crates / 3 )) $(( warmup_crates / 3 )) > "$run/warmup.curl"
    curl -fsS --no-progress-meter --parallel --parallel-max 16 -K "$run/warmup.curl" || log "warm-up: some requests failed"
    curl -fsS -K "$run/warmup.curl" || log "warm-up: some requests failed"
    sleep 0.5
  done
  stored warmup $(( warmup_crates / 3 * 3 ))
  # Round 0, untimed: the measured mount once, so what its first round sets off (tier-1 compilation of the paths only
  # a larger batch reaches, the first status reads) is not in the first measured round.
  curl_config "http://127.0.0.1:$port/crates-io" $(( warmup_crates + 1 )) "$files" > "$run/round.curl"
  curl -fsS -K "$run/round.curl" || log "round 0: some requests failed"
  asked=$files
  stored crates-io "$asked"
  sleep 1
  for round in $(seq 1 "$rounds"); do
    from=$(( warmup_crates + 1 + round * files ))
    curl_config "http://127.0.0.1:$port/crates-io" "$from" "$files" > "$run/round.curl"
    c0="$(cpu_ticks "$pid")"; t0="$(now_ms)"
    if [[ $parallel -gt 1 ]]; then
      curl -fsS --no-progress-meter --parallel --parallel-max "$parallel" -K "$run/round.curl" || log "round $round: some requests failed"
    else
      curl -fsS -K "$run/round.curl" || log "round $round: some requests failed"
    fi
    t1="$(now_ms)"; cm="$(cpu_ticks "$pid")"
    asked=$(( asked + files ))
    stored crates-io "$asked"
    c1="$(cpu_ticks "$pid")"
    echo "$label round $round: $files cold index files, wall $(( t1 - t0 )) ms ($(( (t1 - t0) * 1000 / files )) us each), server CPU $(( (c1 - c0) * 1000000 / hz / files )) us per file ($(( (cm - c0) * 1000000 / hz / files )) while the requests ran), load $(cut -d' ' -f1 /proc/loadavg)"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

for turn in $(seq 1 "$turns"); do
  for s in "${servers[@]}"; do probe "$s" "$(basename "$s") turn $turn"; done
done
