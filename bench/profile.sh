#!/usr/bin/env bash
# Where one GhostCrate server spends a measurement's CPU: per thread (CPU, voluntary and involuntary context
# switches) and per function (`perf record`, with names for JIT-compiled .NET code), under the load bench/run.sh uses.
#
#   bash bench/profile.sh --server DIR                   # 304s at N=10k
#   bash bench/profile.sh --server DIR --crates 100000 --mode get --seconds 10
#   bash bench/profile.sh --server DIR --mode get --auth-required   # setup (b): Registry:AuthRequired, a token on every request
#   bash bench/profile.sh --server DIR --proxy           # setup (c): the crates-io proxy mount (empty data) of nginx, paths under /crates-io/
#
# DIR is a published server (see bench/ab.sh); the dataset must exist (bash bench/run.sh --generate-only).
# .NET code is named in perf only when it was compiled at run time and not through the double-mapped (W^X) memory,
# so the server runs with DOTNET_PerfMapEnabled=1, DOTNET_EnableWriteXorExecute=0 and DOTNET_ReadyToRun=0 (the
# published ReadyToRun code would show up as bare addresses); the last changes code quality a little, so compare
# requests/s with bench/ab.sh, not here. Installs linux-perf (Debian) when perf is missing. Keeps perf.data and the
# reports in --out (default /tmp/ghostcrate-bench/profile).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
work="${GHOSTCRATE_BENCH_WORK:-/tmp/ghostcrate-bench}"
server="" crates=10000 mode=revalidate seconds=8 out="" auth_required=false proxy=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --server) server="$2"; shift 2 ;;
    --crates) crates="$2"; shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --auth-required) auth_required=true; shift ;;
    --proxy) proxy=true; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "profile.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -x "$server/ghostcrate" ]] || { echo "profile.sh: --server must name a published server (see --help)" >&2; exit 2; }
ds="$work/n$crates"
[[ -f "$ds/manifest.json" ]] || { echo "profile.sh: no dataset in $ds (bash bench/run.sh --generate-only --crates $crates)" >&2; exit 2; }
out="${out:-$work/profile}"
if ! command -v perf >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$repo/bench/GhostCrate.Bench.Generator/GhostCrate.Bench.Generator.csproj" -c Release -v q -nologo >/dev/null
tool=(dotnet "$repo/bench/GhostCrate.Bench.Generator/bin/Release/net10.0/ghostcrate-bench.dll")

rm -rf "$out"
mkdir -p "$out"
run="$out" pids=() nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)" # what lib.sh's start_nginx uses
port="$(free_port)"
admin_token="bench-admin-token-0123456789abcdef"
# With --auth-required every request (the warm-up's, wrk's) carries the dataset's admin token, as cargo sends its token.
token=""; $auth_required && token="$admin_token"
paths="$ds/lists/index-paths.txt"
proxy_env=()
if $proxy; then
  # As bench/ab.sh --proxy and bench/setups/proxy.sh: an empty registry whose crates-io mount has nginx serving the
  # dataset as its upstream (Ttl a day: nothing is revalidated upstream while measuring), asked under /crates-io/.
  start_nginx "$ds"
  mkdir -p "$out/data"
  proxy_env=(GHOSTCRATE_Proxy__Enabled=true "GHOSTCRATE_Proxy__Upstreams__crates-io__IndexUrl=http://127.0.0.1:$ng_port/index/"
    GHOSTCRATE_Proxy__Upstreams__crates-io__HttpProxy=none GHOSTCRATE_Proxy__Upstreams__crates-io__Ttl=1.00:00:00)
  sed 's|^|/crates-io|' "$ds/lists/index-paths.txt" > "$out/index-paths.txt"
  paths="$out/index-paths.txt"
else
  copy_data "$ds" "$out/data"
fi
env "${proxy_env[@]}" GHOSTCRATE_Registry__AuthRequired=$auth_required DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 GHOSTCRATE_ADMIN_TOKEN="$admin_token" \
  "$server/ghostcrate" serve --data-dir "$out/data" --urls "http://127.0.0.1:$port" > "$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid "${pids[@]}" 2>/dev/null || true; wait $pid "${pids[@]}" 2>/dev/null || true; rm -rf "$out/data"' EXIT
wait_ready "http://127.0.0.1:$port/ready" "$pid" "$out/server.log"

"${tool[@]}" etags --base "http://127.0.0.1:$port" --paths "$paths" --out "$out/warm.txt" --limit 100000000 ${token:+--token "$token"}
"${tool[@]}" etags --base "http://127.0.0.1:$port" --paths "$paths" --out "$out/etags.txt" --limit 5000 ${token:+--token "$token"}
list="$out/etags.txt"; [[ $mode == get ]] && list="$paths"
load() { WRK_AUTH="$token" WRK_LIST="$list" WRK_MODE="$mode" wrk -t2 -c32 -d"$1s" -s "$repo/bench/lua/replay.lua" "http://127.0.0.1:$port" | grep -m1 '^{"requests"'; }
load 5 >/dev/null   # warm-up: tiered JIT, caches

# Per thread: name, CPU ticks, voluntary and involuntary context switches, before and after one run.
threads() {
  local t
  for t in /proc/"$pid"/task/*; do
    printf '%s %s %s %s %s\n' "${t##*/}" "$(tr ' ' '_' < "$t/comm")" "$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "$t/stat")" \
      "$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status")" "$(awk '/^nonvoluntary_ctxt_switches/ { print $2 }' "$t/status")"
  done | sort
}
threads > "$out/threads-before.txt"
echo "run: $(load "$seconds")"
threads > "$out/threads-after.txt"
echo "per thread during the run (CPU ticks of 1/$(getconf CLK_TCK) s; context switches voluntary / involuntary):"
join -a2 "$out/threads-before.txt" "$out/threads-after.txt" | awk '
  NF == 9 && ($7 - $3 > 0 || $8 - $4 > 10) { printf "  %-18s cpu %6d  switches %8d / %8d\n", $6, $7 - $3, $8 - $4, $9 - $5 }
  NF == 5 { printf "  %-18s cpu %6d  switches %8d / %8d (new)\n", $2, $3, $4, $5 }'

perf record -F 1999 -g -p "$pid" -o "$out/perf.data" -- sleep "$seconds" > "$out/perf-record.log" 2>&1 &
perf_pid=$!
echo "profiled run: $(load "$seconds")"
wait "$perf_pid" || true
perf report -i "$out/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' > "$out/by-dso.txt" || true
perf report -i "$out/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' > "$out/by-symbol.txt" || true
echo "by binary:"; head -6 "$out/by-dso.txt"
echo "hottest user-space functions (kernel ones are in $out/by-symbol.txt):"
grep -v '\[k\]' "$out/by-symbol.txt" | head -25 | cut -c1-180
