#!/usr/bin/env bash
# A/B of two GhostCrate builds, with nginx as the yardstick, on one cached dataset: the three servers run at the same
# time and are measured in turns (A, B, nginx, A, B, nginx, ...), so drifting load on the machine touches all alike.
# For judging one change; bench/run.sh is the full benchmark. Prints one line per run, then medians and ratios.
#
#   bash bench/ab.sh --a DIR --b DIR                 # revalidation (304s), N=10k, 5 rounds of 8 s
#   bash bench/ab.sh --a DIR --b DIR --crates 100000 --mode get --rounds 8 --duration 10
#   bash bench/ab.sh --a DIR --b DIR --mode download-big     # modes: revalidate, get (index files), download-small, download-big
#   bash bench/ab.sh --a DIR --b DIR --b-env "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=1"   # same build, one knob
#   bash bench/ab.sh --a DIR --b DIR --b-env "GHOSTCRATE_Metrics__Enabled=false"   # what metrics cost (settings: GHOSTCRATE_ prefix)
#   bash bench/ab.sh --a DIR --b DIR --auth-required   # setup (b): Registry:AuthRequired, each server's own read token on every request
#   bash bench/ab.sh --a DIR --b DIR --proxy           # setup (c): the crates-io proxy mount (empty data) of nginx, paths under /crates-io/
#
# DIR is a published server (the directory holding `ghostcrate`): /tmp/ghostcrate-bench/server as bench/run.sh
# leaves it, or `dotnet publish src/GhostCrate/GhostCrate.csproj -c Release -r linux-x64 --self-contained false
# -p:PublishReadyToRun=true -o DIR`. The dataset must exist: `bash bench/run.sh --generate-only [--crates N]`.
# --a-env / --b-env: extra environment for one server ("VAR=value VAR2=value"). Every server binds 127.0.0.1 on a
# free port and works on its own copy of the data (blobs hard-linked). Each run's line also gives the server's garbage
# collections per second (from its /metrics); the medians include p99 and its ratio to nginx's (issue 24's <= 2x).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
work="${GHOSTCRATE_BENCH_WORK:-/tmp/ghostcrate-bench}"
a="" b="" a_env="" b_env="" crates=10000 rounds=5 duration=8 mode=revalidate auth_required=false proxy=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --a) a="$2"; shift 2 ;;
    --b) b="$2"; shift 2 ;;
    --a-env) a_env="$2"; shift 2 ;;
    --b-env) b_env="$2"; shift 2 ;;
    --crates) crates="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --auth-required) auth_required=true; shift ;;
    --proxy) proxy=true; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "ab.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -x "$a/ghostcrate" && -x "$b/ghostcrate" ]] || { echo "ab.sh: --a and --b must name published servers (see --help)" >&2; exit 2; }
# What each mode replays, and with how many connections (as bench/run.sh measures it).
case "$mode" in
  revalidate) connections=32 ;;
  get) connections=32 ;;
  download-small) connections=32 ;;
  download-big) connections=8 ;;
  *) echo "ab.sh: --mode is revalidate, get, download-small or download-big" >&2; exit 2 ;;
esac
ds="$work/n$crates"
[[ -f "$ds/manifest.json" ]] || { echo "ab.sh: no dataset in $ds (bash bench/run.sh --generate-only --crates $crates)" >&2; exit 2; }
for t in nginx wrk python3 curl; do command -v "$t" >/dev/null || [[ $t == nginx && -x /usr/sbin/nginx ]] || { echo "ab.sh: $t is missing (bench/run.sh installs it)" >&2; exit 2; }; done
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$repo/bench/GhostCrate.Bench.Generator/GhostCrate.Bench.Generator.csproj" -c Release -v q -nologo >/dev/null
tool=(dotnet "$repo/bench/GhostCrate.Bench.Generator/bin/Release/net10.0/ghostcrate-bench.dll")

bench_workdir "$work" ab

declare -A port pid token
# nginx first: in --proxy mode it is also the mount's upstream (as bench/setups/proxy.sh).
start_nginx "$ds"
port[n]="$ng_port"
pid[n]="$ng_pid"
prefix=""; $proxy && prefix="/crates-io"
start_ghostcrate() { # NAME DIR "ENV"
  local name="$1" dir="$2" extra="$3" data="$run/$1"
  if $proxy; then
    mkdir -p "$data" # an empty registry whose mount fetches every file from nginx once (the warm-up below)
    extra="GHOSTCRATE_Proxy__Enabled=true GHOSTCRATE_Proxy__Upstreams__crates-io__IndexUrl=http://127.0.0.1:$ng_port/index/ GHOSTCRATE_Proxy__Upstreams__crates-io__HttpProxy=none GHOSTCRATE_Proxy__Upstreams__crates-io__Ttl=1.00:00:00 $extra"
  else
    copy_data "$ds" "$data"
  fi
  port[$name]="$(free_port)"
  if $auth_required; then extra="GHOSTCRATE_Registry__AuthRequired=true $extra"; fi
  # shellcheck disable=SC2086 # extra is a list of VAR=value words
  env GHOSTCRATE_ADMIN_TOKEN="bench-admin-token-0123456789abcdef" $extra "$dir/ghostcrate" serve --data-dir "$data" \
    --urls "http://127.0.0.1:${port[$name]}" > "$run/$name.log" 2>&1 &
  pid[$name]=$!
  pids+=("${pid[$name]}")
  wait_ready "http://127.0.0.1:${port[$name]}/ready" "${pid[$name]}" "$run/$name.log"
  # Setup (b): a read-only token of this server (each has its own copy of the data), made as a user would.
  token[$name]=""
  if $auth_required; then
    token[$name]="$(curl -fsS -X PUT -H "Authorization: bench-admin-token-0123456789abcdef" -H 'Content-Type: application/json' \
      --data '{"api_token":{"name":"bench-read","endpoint_scopes":[]}}' "http://127.0.0.1:${port[$name]}/api/v1/me/tokens" \
      | python3 -c 'import json, sys; print(json.load(sys.stdin)["api_token"]["token"])')"
  fi
}
start_ghostcrate a "$a" "$a_env"
start_ghostcrate b "$b" "$b_env"
token[n]="${token[a]}" # nginx ignores it; sent so both get the same requests

# The lists as each server is asked: GhostCrate's under the mount in --proxy mode.
for l in index-paths crate-small crate-big; do
  cp "$ds/lists/$l.txt" "$run/$l-n.txt"
  sed "s|^|$prefix|" "$ds/lists/$l.txt" > "$run/$l-gc.txt"
done
if $proxy; then # every index file and download once through each mount, as bench/setups/common.sh does
  for who in a b; do
    for l in index-paths crate-small crate-big; do
      "${tool[@]}" warm --base "http://127.0.0.1:${port[$who]}" --paths "$run/$l-gc.txt" --token "${token[$who]}"
    done
  done
fi
# gc_count WHO -> the server's garbage collections so far, every generation (0 for nginx)
gc_count() {
  [[ $1 == n ]] && { echo 0; return; }
  # 0 when /metrics is off (--b-env GHOSTCRATE_Metrics__Enabled=false)
  { curl -fsS "http://127.0.0.1:${port[$1]}/metrics" 2>/dev/null || true; } | awk '/^dotnet_gc_collections_total/ { n += $NF } END { print n + 0 }'
}
side() { if [[ $1 == n ]]; then echo n; else echo gc; fi; }

list_for() { # WHO -> the request list
  case "$mode" in
    revalidate) echo "$run/etags-$1.txt" ;;
    get) echo "$run/index-paths-$(side "$1").txt" ;;
    download-small) echo "$run/crate-small-$(side "$1").txt" ;;
    download-big) echo "$run/crate-big-$(side "$1").txt" ;;
  esac
}
wrk_mode() { if [[ $mode == revalidate ]]; then echo revalidate; else echo get; fi; }

# Warm as bench/run.sh does: every index file once, then the measured list for 5 s.
for who in a b n; do
  "${tool[@]}" etags --base "http://127.0.0.1:${port[$who]}" --paths "$run/index-paths-$(side "$who").txt" --out "$run/warm-$who.txt" --limit 100000000 --token "${token[$who]}"
  "${tool[@]}" etags --base "http://127.0.0.1:${port[$who]}" --paths "$run/index-paths-$(side "$who").txt" --out "$run/etags-$who.txt" --limit 5000 --token "${token[$who]}"
  WRK_AUTH="${token[$who]}" WRK_LIST="$(list_for "$who")" WRK_MODE="$(wrk_mode)" wrk -t2 -c"$connections" -d5s -s "$repo/bench/lua/replay.lua" "http://127.0.0.1:${port[$who]}" >/dev/null 2>&1 || true
done

echo "N=$crates, $mode$($auth_required && echo ", auth-required")$($proxy && echo ", proxy mount"), $rounds rounds of ${duration}s; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  for who in a b n; do
    if [[ $who == n ]]; then mapfile -t procs < <(pgrep -P "${pid[n]}"); else procs=("${pid[$who]}"); fi
    gcs_before="$(gc_count "$who")" # scraped outside the CPU accounting
    before="$(cpu_ticks "${procs[@]}")"
    WRK_AUTH="${token[$who]}" WRK_LIST="$(list_for "$who")" WRK_MODE="$(wrk_mode)" wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s -s "$repo/bench/lua/replay.lua" \
      "http://127.0.0.1:${port[$who]}" > "$run/wrk.txt" 2>&1 || true
    used=$(( $(cpu_ticks "${procs[@]}") - before ))
    gcs=$(( $(gc_count "$who") - gcs_before ))
    grep -m1 '^{"requests"' "$run/wrk.txt" | sed "s/}\$/,\"who\":\"$who\",\"round\":$r,\"cpu_ticks\":$used,\"hz\":$(getconf CLK_TCK),\"gcs\":$gcs}/" >> "$run/runs.jsonl"
    tail -1 "$run/runs.jsonl" | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
rps = d["requests"] / d["duration_us"] * 1e6
cpu = d["cpu_ticks"] / d["hz"] * 1e6 / max(d["requests"], 1)
gcs = "" if d["who"] == "n" else "  GCs %5.1f/s" % (d["gcs"] / d["duration_us"] * 1e6)
print("%s round %d: %9.0f req/s  %7.2f us CPU/req  p50 %5.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  errors %d/%d%s" % (
    {"a": "A    ", "b": "B    ", "n": "nginx"}[d["who"]], d["round"], rps, cpu, d["p50_us"] / 1000, d["p99_us"] / 1000,
    d["p999_us"] / 1000, d["socket_errors"], d["status_errors"], gcs))'
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "peak RSS (VmHWM): A $(awk '/^VmHWM/ { print $2 / 1024 }' "/proc/${pid[a]}/status") MB, B $(awk '/^VmHWM/ { print $2 / 1024 }' "/proc/${pid[b]}/status") MB"
python3 - "$run/runs.jsonl" <<'EOF'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
def med(who, f):
    return statistics.median(f(d) for d in runs if d["who"] == who)
rps = {w: med(w, lambda d: d["requests"] / d["duration_us"] * 1e6) for w in "abn"}
cpu = {w: med(w, lambda d: d["cpu_ticks"] / d["hz"] * 1e6 / max(d["requests"], 1)) for w in "abn"}
mbs = {w: med(w, lambda d: d["bytes"] / d["duration_us"]) for w in "abn"}
print("medians: A %.0f req/s (%.2f us, %.1f MB/s), B %.0f req/s (%.2f us, %.1f MB/s), nginx %.0f req/s (%.2f us, %.1f MB/s)" % (
    rps["a"], cpu["a"], mbs["a"], rps["b"], cpu["b"], mbs["b"], rps["n"], cpu["n"], mbs["n"]))
print("ratios: A/nginx %.2f, B/nginx %.2f, B/A %.3f (requests/s); B/A %.3f (CPU per request, below 1 is better)" % (
    rps["a"] / rps["n"], rps["b"] / rps["n"], rps["b"] / rps["a"], cpu["b"] / cpu["a"]))
p99 = {w: med(w, lambda d: d["p99_us"] / 1000) for w in "abn"}
print("p99 medians: A %.2f ms, B %.2f ms, nginx %.2f ms; A/nginx %.2f, B/nginx %.2f (issue 24: <= 2)" % (
    p99["a"], p99["b"], p99["n"], p99["a"] / p99["n"], p99["b"] / p99["n"]))
EOF
