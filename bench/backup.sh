#!/usr/bin/env bash
# Backup and restore speed (issue 19): `ghostcrate backup create` and `backup restore` of a generated registry, next to
# a plain `cp -a` and `tar` of the same data directory, and the p99 of sparse-index requests while a backup runs
# against the same figure without one. Prints a Markdown report and writes bench/results/<date>-N<k>-backup.md.
#
#   bash bench/backup.sh                  # N=100k crates (the generator of bench/run.sh; ~12 min once to generate)
#   bash bench/backup.sh --crates 10000   # any N
#   options: --work DIR (datasets are cached there, default /tmp/ghostcrate-bench)  --duration S (seconds of wrk
#            per latency measurement, default 20; 0 skips the latency part)  --runs N (default 3)  --server FILE (a
#            ghostcrate executable to measure instead of the ReadyToRun build bench/run.sh publishes; then the dataset
#            must be cached in --work already)
#
# Every copy is made from a warm page cache (each source is read once first), as a nightly backup of a busy registry
# mostly is. Each operation runs --runs times (cp -a, tar, create, verify, restore in turn, a full backup each time);
# the table gives the median wall-clock time and every run's. The server binds 127.0.0.1 on a free port.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
crates=100000
duration=20
runs=3
work="${GHOSTCRATE_BENCH_WORK:-/tmp/ghostcrate-bench}"
server_bin=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --crates) crates="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --server) server_bin="$(realpath "$2")"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "backup.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
log() { echo "==> $*" >&2; }

dataset="$work/n$crates"
if [[ -z $server_bin ]]; then
  # The server build and the dataset come from bench/run.sh (the same cache, the same generator and migrate).
  log "building and generating with bench/run.sh --generate-only (cached in $work)"
  bash "$repo/bench/run.sh" --crates "$crates" --work "$work" --generate-only >&2
  server_bin="$work/server/ghostcrate"
else
  [[ -f $dataset/manifest.json ]] || { echo "backup.sh: no cached dataset in $dataset (run without --server first)" >&2; exit 2; }
  "$server_bin" migrate --data-dir "$dataset/data" >&2
fi
admin_token="bench-admin-token-0123456789abcdef"
bench_workdir "$work" backup
cut -d' ' -f1-3 /proc/loadavg > "$run/load-before.txt"

data="$run/data"
copy_data "$dataset" "$data"
bytes=$(du -sb "$data" | cut -f1)
files=$(find "$data" -type f | wc -l)
mb() { python3 -c "print(f'{$1 / 1e6:.0f}')"; }
warm() { tar -C "$1" -cf - . | cat > /dev/null; }

# time_ms COMMAND... -> prints the wall time in ms of COMMAND (stdout to $run/last.out)
time_ms() { local t; t="$(now_ms)"; "$@" > "$run/last.out"; echo $(( $(now_ms) - t )); }

log "data directory: $(mb "$bytes") MB in $files files"
warm "$data"
# A backup and a restore make what they wrote durable before they report success (syncfs before the manifest, before
# the database goes in); cp -a and tar leave it in the page cache. So each copy is also timed together with the sync
# that makes it durable (`sync -f`: a syncfs of that file system, the call the backup makes), and every timed step
# starts on a clean page cache: what the step before wrote or deleted is synced outside the timing.
cp_all=(); cpsync_all=(); tar_all=(); create_all=(); verify_all=(); restore_all=()
for (( i = 1; i <= runs; i++ )); do
  cp_ms_i="$(time_ms cp -a "$data" "$run/cp-copy")"
  cp_all+=("$cp_ms_i"); cpsync_all+=($(( cp_ms_i + $(time_ms sync -f "$run/cp-copy") )))
  rm -rf "$run/cp-copy"; sync
  tar_all+=("$(time_ms tar -C "$data" -cf "$run/data.tar" .)"); rm -f "$run/data.tar"; sync
  rm -rf "$run/backups"; sync
  create_all+=("$(time_ms "$server_bin" backup create --to "$run/backups" --data-dir "$data")"); sync
  backup="$(tail -n1 "$run/last.out")"
  backup_bytes=$(du -sb "$backup" | cut -f1)
  verify_all+=("$(time_ms "$server_bin" backup verify "$backup")")
  warm "$backup"
  restore_all+=("$(time_ms "$server_bin" backup restore "$backup" --data-dir "$run/restored")"); sync
  restored_counts="$(cat "$run/last.out")"
  rm -rf "$run/restored"; sync
  log "run $i: cp -a ${cp_all[-1]} ms (${cpsync_all[-1]} ms with its sync), tar ${tar_all[-1]} ms, backup create ${create_all[-1]} ms, verify ${verify_all[-1]} ms, restore ${restore_all[-1]} ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
cp_ms=$(median "${cp_all[@]}"); cpsync_ms=$(median "${cpsync_all[@]}"); tar_ms=$(median "${tar_all[@]}"); create_ms=$(median "${create_all[@]}")
verify_ms=$(median "${verify_all[@]}"); restore_ms=$(median "${restore_all[@]}")
# ratios_of A B: each round's A/B (the disk's speed can drift between rounds; within one round both saw the same disk)
ratios_of() { local -n a="$1" b="$2"; local out="" k; for k in "${!a[@]}"; do out+="${out:+, }$(ratio "${a[$k]}" "${b[$k]}")"; done; echo "$out"; }
runs_of() { local out="" v; for v in "$@"; do out+="${out:+, }$(( v / 1000 )).$(( v % 1000 / 100 ))"; done; echo "$out"; }

# Index latency: the same replay without and during a backup of the served data directory.
if (( duration > 0 )); then
  gc_port="$(free_port)"
  GHOSTCRATE_ADMIN_TOKEN="$admin_token" "$server_bin" serve --data-dir "$data" --urls "http://127.0.0.1:$gc_port" >"$run/server.log" 2>&1 &
  gc_pid=$!
  pids+=("$gc_pid")
  wait_ready "http://127.0.0.1:$gc_port/ready" "$gc_pid" "$run/server.log"
  list="$dataset/lists/index-paths.txt"
  replay() { WRK_LIST="$list" wrk -t2 -c16 -d"$1s" --timeout 10s -s "$repo/bench/lua/replay.lua" "http://127.0.0.1:$gc_port" | grep -m1 '^{"requests"'; }
  replay 5 > /dev/null   # warm-up: every index file once into the server's cache
  idle="$(replay "$duration")"
  # During: a backup in the background; wrk runs for the same time (the backup may end before it).
  during_start="$(now_ms)"
  "$server_bin" backup create --to "$run/backups" --data-dir "$data" > "$run/during.out" 2>&1 &
  backup_pid=$!
  pids+=("$backup_pid")
  busy="$(replay "$duration")"
  wait "$backup_pid"
  during_ms=$(( $(now_ms) - during_start ))
  kill "$gc_pid" 2>/dev/null || true; wait "$gc_pid" 2>/dev/null || true
fi

cut -d' ' -f1-3 /proc/loadavg > "$run/load-after.txt"
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
rps() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(f\"{d['requests'] / (d['duration_us'] / 1e6):.0f}\")" "$1"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
rate() { python3 -c "print(f'{$1 / 1e6 / ($2 / 1000):.0f}')"; }
out="$repo/bench/results/$(date -u +%F)-N$(( crates / 1000 ))k-backup.md"
{
  echo "# Backup and restore, N=$crates ($(date -u +%FT%TZ))"
  echo
  echo "Data directory: $(mb "$bytes") MB in $files files (database + blobs); the backup: $(mb "$backup_bytes") MB."
  echo "Load average before: $(cat "$run/load-before.txt"); after: $(cat "$run/load-after.txt"). Warm page cache; median of $runs runs (seconds of each run in the last column)."
  echo
  echo "| operation | time | MB/s | x cp -a | runs (s) | each round's x cp -a |"
  echo "|---|---|---|---|---|---|"
  echo "| cp -a of the data directory | $(( cp_ms / 1000 )).$(( cp_ms % 1000 / 100 )) s | $(rate "$bytes" "$cp_ms") | 1.00 | $(runs_of "${cp_all[@]}") | |"
  echo "| cp -a, then sync -f (durable) | $(( cpsync_ms / 1000 )).$(( cpsync_ms % 1000 / 100 )) s | $(rate "$bytes" "$cpsync_ms") | $(ratio "$cpsync_ms" "$cp_ms") | $(runs_of "${cpsync_all[@]}") | |"
  echo "| tar -cf of the data directory | $(( tar_ms / 1000 )).$(( tar_ms % 1000 / 100 )) s | $(rate "$bytes" "$tar_ms") | $(ratio "$tar_ms" "$cp_ms") | $(runs_of "${tar_all[@]}") | |"
  echo "| ghostcrate backup create | $(( create_ms / 1000 )).$(( create_ms % 1000 / 100 )) s | $(rate "$bytes" "$create_ms") | $(ratio "$create_ms" "$cp_ms") | $(runs_of "${create_all[@]}") | $(ratios_of create_all cp_all) |"
  echo "| ghostcrate backup verify | $(( verify_ms / 1000 )).$(( verify_ms % 1000 / 100 )) s | $(rate "$backup_bytes" "$verify_ms") | $(ratio "$verify_ms" "$cp_ms") | $(runs_of "${verify_all[@]}") | |"
  echo "| ghostcrate backup restore (verifies deep first) | $(( restore_ms / 1000 )).$(( restore_ms % 1000 / 100 )) s | $(rate "$backup_bytes" "$restore_ms") | $(ratio "$restore_ms" "$cp_ms") | $(runs_of "${restore_all[@]}") | $(ratios_of restore_all cp_all) |"
  echo
  echo "Backup create and restore make everything they wrote durable before they finish; cp -a and tar -cf do not (the \"cp -a, then sync -f\" row is the same copy made durable: where writeback keeps up with cp, as on a small VM, the two are equal). Tar is a single sequential stream: no per-file create, no hashing."
  echo
  echo "Restore printed: \`$restored_counts\`"
  echo
  if (( duration > 0 )); then
    echo "| sparse index, wrk -t2 -c16, ${duration} s | requests/s | p50 | p99 |"
    echo "|---|---|---|---|"
    echo "| no backup | $(rps "$idle") | $(( $(field "$idle" p50_us) / 1000 )).$(( $(field "$idle" p50_us) % 1000 / 100 )) ms | $(( $(field "$idle" p99_us) / 1000 )).$(( $(field "$idle" p99_us) % 1000 / 100 )) ms |"
    echo "| during backup create (took ${during_ms} ms under this load) | $(rps "$busy") | $(( $(field "$busy" p50_us) / 1000 )).$(( $(field "$busy" p50_us) % 1000 / 100 )) ms | $(( $(field "$busy" p99_us) / 1000 )).$(( $(field "$busy" p99_us) % 1000 / 100 )) ms |"
    echo
  fi
  echo "Command: \`bash bench/backup.sh --crates $crates --duration $duration --runs $runs\`; server: $server_bin"
} > "$out"
cat "$out"
