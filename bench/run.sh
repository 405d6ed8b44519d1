#!/usr/bin/env bash
# GhostCrate next to nginx serving the very same bytes. One command; prints numbers and ratios, never fails on them.
#
#   bash bench/run.sh                 # N=10k crates (plus start-up/RSS at 1k), about 6 minutes on 2 cores (+2 to generate)
#   bash bench/run.sh --large         # N=100k crates (plus start-up/RSS at 1k and 10k); generating the datasets takes ~12 min once
#   bash bench/run.sh --crates 2000   # any N
#   bash bench/run.sh --setup proxy   # another configuration of GhostCrate (below); nginx is measured in the same run
#   options: --duration S (seconds per wrk run, default 10)  --repeat R (runs per server and measurement, taken in
#            turns, median reported; default 3)  --work DIR (datasets are cached there, default
#            /tmp/ghostcrate-bench)  --regenerate (throw cached datasets away)  --publish-seconds S (default 30)
#            --generate-only (build and generate/migrate the datasets, then stop: no servers, no load)
#            --no-build (reuse the server and generator an earlier run built, e.g. to run several setups in a row)
#            --tag T (name the results file ...-T.md; a file that exists is never overwritten: -2, -3... is added)
#   --setup:  anonymous (default): SQLite + files, no token; index, 304s, downloads, lockfile, search, publish, start-up
#             auth-required: Registry:AuthRequired=true, a read-only API token on every request (nginx: no auth)
#             proxy: the crates-io proxy mount with nginx serving the dataset as its upstream, every file cached first
#             proxy-cold: cargo generate-lockfile + cargo fetch through the proxy mount with an empty cache (fresh data
#                         dir per run), and once more with the cache warm, against nginx directly
#             cluster: two nodes on one PostgreSQL + s3rver (the dataset restored with `ghostcrate backup restore`)
#                      behind nginx as the load balancer, against nginx serving the files
#
# Installs nginx, wrk, h2load, hyperfine (Debian) when missing. Writes bench/results/<date>-N<k>.md (setup anonymous)
# or bench/results/<date>-N<k>-<setup>.md and prints it. Every server binds 127.0.0.1 on a free port; every load run
# is bounded in time; everything started (servers, PostgreSQL, s3rver) is stopped on exit.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
crates=10000
duration=10
repeat=3
publish_seconds=30
work="${GHOSTCRATE_BENCH_WORK:-/tmp/ghostcrate-bench}"
regenerate=0
generate_only=0
no_build=0
setup=anonymous
tag=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --crates) crates="$2"; shift 2 ;;
    --large) crates=100000; shift ;;
    --duration) duration="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --publish-seconds) publish_seconds="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --regenerate) regenerate=1; shift ;;
    --generate-only) generate_only=1; shift ;;
    --setup) setup="$2"; shift 2 ;;
    --no-build) no_build=1; shift ;;
    --tag) tag="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$setup" in
  anonymous|auth-required|proxy|proxy-cold|cluster) ;;
  *) echo "run.sh: --setup is anonymous, auth-required, proxy, proxy-cold or cluster (see --help)" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [[ -d "$HOME/.cargo/bin" && ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then export PATH="$HOME/.cargo/bin:$PATH"; fi
log() { echo "==> $*" >&2; }

# ---------------------------------------------------------------------------------------------------------------- tools
need=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
command -v h2load >/dev/null || need+=(nghttp2-client)
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v python3 >/dev/null || need+=(python3)
command -v curl >/dev/null || need+=(curl)
if [[ ${#need[@]} -gt 0 ]]; then
  log "installing ${need[*]} (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
cargo_bin="$(rustup which cargo 2>/dev/null || command -v cargo)"

mkdir -p "$work"
if [[ $no_build -eq 1 && -x "$work/server/ghostcrate" && -f "$repo/bench/GhostCrate.Bench.Generator/bin/Release/net10.0/ghostcrate-bench.dll" ]]; then
  log "reusing the server in $work/server and the generator's last build (--no-build)"
else
  log "building GhostCrate (Release, published ReadyToRun) and the generator (Release)"
  # The server as it would be deployed: published with ReadyToRun code, so start-up does not JIT every method it runs
  # (start-up at N=1k, load 12-18: median 1.96 s against 2.86 s for the plain build).
  dotnet publish "$repo/src/GhostCrate/GhostCrate.csproj" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$work/server" -v q -nologo >/dev/null
  dotnet build "$repo/bench/GhostCrate.Bench.Generator/GhostCrate.Bench.Generator.csproj" -c Release -v q -nologo >/dev/null
fi
server_bin="$work/server/ghostcrate"
tool=(dotnet "$repo/bench/GhostCrate.Bench.Generator/bin/Release/net10.0/ghostcrate-bench.dll")
admin_token="bench-admin-token-0123456789abcdef"   # the generator's Generator.AdminToken

bench_workdir "$work" run

# ------------------------------------------------------------------------------------------------------------ datasets
# A dataset is generated once per size and generator version and reused (generation dominates the run time).
generator_stamp="$(cd "$repo/bench/GhostCrate.Bench.Generator" && cat RegistryPlan.cs CrateFiles.cs Generator.cs Exporter.cs HardLink.cs LockfileProject.cs UnsyncedBlobStore.cs | sha256sum | cut -c1-16)"
dataset() {
  local n="$1" dir="$work/n$1"
  if [[ $regenerate -eq 1 || ! -f "$dir/manifest.json" || "$(cat "$dir/stamp" 2>/dev/null)" != "$generator_stamp" ]]; then
    rm -rf "$dir"
    log "generating N=$n through PublishService (cached in $dir)"
    "${tool[@]}" generate --out "$dir" --crates "$n" >&2
    echo "$generator_stamp" > "$dir/stamp"
    chmod -R a+rX "$dir"
  fi
  # A cached dataset may predate a migration: bring it forward once here, not in every timed start-up below.
  "$server_bin" migrate --data-dir "$dir/data" >&2
  echo "$dir"
}

# Start-up and memory per size are measured in the anonymous setup only; the others need just the main size.
sizes=()
if [[ $setup == anonymous ]]; then
  sizes=(1000)
  if [[ $crates -ge 100000 ]]; then sizes+=(10000); fi
fi
if [[ $crates -ne 1000 || ${#sizes[@]} -eq 0 ]]; then sizes+=("$crates"); fi

# ------------------------------------------------------------------------------------------------------------- servers
# start_ghostcrate DATA_DIR -> sets gc_pid, gc_port, gc_startup_ms (spawn until /ready answers 200) and gc_cpu_pids
# (the processes whose CPU counts as GhostCrate's: this one; the cluster setup adds its second node and the balancer).
# gc_env: extra VAR=value settings of the setup (env(1) takes names with `-`, such as a proxy mount's).
gc_env=()
start_ghostcrate() {
  gc_port="$(free_port)"
  local started; started="$(now_ms)"
  # The publish rate limits (per token and per address) would cap the publish benchmark at 60/min: raise them.
  env GHOSTCRATE_RateLimits__PublishPerToken__Permits=100000000 GHOSTCRATE_RateLimits__PublishPerAddress__Permits=100000000 \
  GHOSTCRATE_ADMIN_TOKEN="$admin_token" "${gc_env[@]}" "$server_bin" serve --data-dir "$1" --urls "http://127.0.0.1:$gc_port" >"$run/ghostcrate-$gc_port.log" 2>&1 &
  gc_pid=$!
  gc_cpu_pids=("$gc_pid")
  pids+=("$gc_pid")
  wait_ready "http://127.0.0.1:$gc_port/ready" "$gc_pid" "$run/ghostcrate-$gc_port.log"
  gc_startup_ms=$(( $(now_ms) - started ))
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# drain_outbox DATASET_DIR -> runs the server on the dataset once, until its job queue holds nothing due or running, so
# that every setup measures a registry at rest: generating N crates queued one crate.published event per version, and
# a server started on a fresh copy would otherwise work through them during the measurements (bench/README.md, "The
# outbox backlog"). Done once per dataset and generator version, like the generation.
drain_outbox() {
  local dir="$1" started stats deadline
  [[ "$(cat "$dir/drained" 2>/dev/null)" == "$generator_stamp" ]] && return 0
  started="$(now_ms)"
  deadline=$(( started + 1800000 ))
  start_ghostcrate "$dir/data"
  until stats="$(curl -fsS -H "Authorization: $admin_token" "http://127.0.0.1:$gc_port/api/v1/admin/jobs?limit=1")" &&
    python3 -c 'import json, sys; s = json.load(sys.stdin)["stats"]; sys.exit(0 if s["due"] == 0 and s["running"] == 0 else 1)' <<< "$stats"; do
    [[ $(now_ms) -lt $deadline ]] || { log "the job queue of $dir did not drain in 30 minutes: $stats"; exit 1; }
    sleep 1
  done
  stop_pid "$gc_pid"
  echo "$generator_stamp" > "$dir/drained"
  log "$(basename "$dir"): the events of the generated publishes were handled in $(( ($(now_ms) - started) / 1000 )) s"
}

for n in "${sizes[@]}"; do dataset "$n" >/dev/null; drain_outbox "$work/n$n"; done
main="$work/n$crates"
if [[ $generate_only -eq 1 ]]; then log "datasets ready under $work"; exit 0; fi
peak_rss_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

mkdir -p "$run/results"

# wrk_run NAME PORT LIST MODE CONNECTIONS [PID...] -> writes $run/results/NAME.json (with the CPU the PIDs used meanwhile)
wrk_run() {
  local name="$1" port="$2" list="$3" mode="$4" connections="$5"
  shift 5
  local before; before="$(cpu_ticks "$@")"
  WRK_LIST="$list" WRK_MODE="$mode" wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s -s "$repo/bench/lua/replay.lua" \
    "http://127.0.0.1:$port" > "$run/results/$name.txt" 2>&1 || true
  local used=$(( $(cpu_ticks "$@") - before ))
  grep -m1 '^{"requests"' "$run/results/$name.txt" | sed "s/}\$/,\"server_cpu_ticks\":$used,\"ticks_per_second\":$(getconf CLK_TCK)}/" > "$run/results/$name.json" \
    || { cat "$run/results/$name.txt" >&2; echo '{}' > "$run/results/$name.json"; }
  log "$name: $(cat "$run/results/$name.json")"
  # Which phase sets the peak: VmHWM only grows, so the first run after which it jumps is the one.
  if [[ "$port" == "${gc_port:-}" ]]; then log "  GhostCrate peak RSS so far: $(peak_rss_mb "$gc_pid") MB"; fi
}

# compare NAME LIST MODE CONNECTIONS -> NAME-gc-K.json and NAME-ng-K.json for K = 1..repeat, the two servers in turns
# (so drifting load on the machine touches both alike); the report takes the median run of each.
compare() {
  local name="$1" list_gc="$2" list_ng="$3" mode="$4" connections="$5" k
  for k in $(seq 1 "$repeat"); do
    wrk_run "$name-gc-$k" "$gc_port" "$list_gc" "$mode" "$connections" "${gc_cpu_pids[@]}"
    # shellcheck disable=SC2046 # one argument per nginx worker
    wrk_run "$name-ng-$k" "$ng_port" "$list_ng" "$mode" "$connections" $(pgrep -P "$ng_pid")
  done
}

# Other work on the machine skews every figure: record the load average before and after.
cut -d' ' -f1-3 /proc/loadavg > "$run/results/load-before.txt"
# --------------------------------------------------------------------------------------------------------- the setup
source "$repo/bench/setups/$setup.sh"

cut -d' ' -f1-3 /proc/loadavg > "$run/results/load-after.txt"

# ------------------------------------------------------------------------------------------------------------ report
mkdir -p "$repo/bench/results"
label="$(( crates / 1000 ))k"
if [[ $crates -lt 1000 ]]; then label="$crates"; fi
suffix=""
if [[ $setup != anonymous ]]; then suffix="-$setup"; fi
if [[ -n $tag ]]; then suffix="$suffix-$tag"; fi
# A committed result is evidence quoted in issue notes: a second run the same day gets its own file instead.
out="$repo/bench/results/$(date -u +%Y-%m-%d)-N$label$suffix.md"
n=2
while [[ -e $out ]]; do out="$repo/bench/results/$(date -u +%Y-%m-%d)-N$label$suffix-$n.md"; n=$((n + 1)); done
python3 "$repo/bench/report.py" --setup "$setup" --results "$run/results" --main "$main" --crates "$crates" --duration "$duration" --repeat "$repeat" \
  --nginx "$("$nginx_bin" -v 2>&1 | sed 's/.*version: //')" --wrk "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)" \
  --cargo "$("$cargo_bin" --version)" --dotnet "$(dotnet --version)" > "$out"
cat "$out"
log "written to $out"
