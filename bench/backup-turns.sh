#!/usr/bin/env bash
# In turns (issue 19): each given ghostcrate build's `backup restore` (or `backup create`) of one data directory, then
# a `cp -a` of the same directory, round after round, so that the machine's load hits every program alike. Prints one
# line per step: wall time, user+system CPU (/usr/bin/time) and the 1-minute load average after it. Put DATA and WORK
# on a tmpfs to leave the disk out (bench/results/2026-12-07-N100k-backup-onepass.md).
#
#   bash bench/backup-turns.sh restore 3 /dev/shm/x/data /dev/shm/x/work MAIN/ghostcrate BRANCH/ghostcrate
#   bash bench/backup-turns.sh create 3 /dev/shm/x/data /dev/shm/x/work MAIN/ghostcrate BRANCH/ghostcrate
#
# restore: the first build makes one backup of DATA in WORK/bk first (read once, so every restore reads it warm).
# Every target is removed, and `sync` run, after its step and outside the timing. TMPDIR is WORK/tmp.
set -euo pipefail
op=$1; rounds=$2; data=$3; work=$4; shift 4
[[ $op == restore || $op == create ]] || { echo "backup-turns.sh: restore or create, not $op" >&2; exit 2; }
export TMPDIR=$work/tmp; mkdir -p "$TMPDIR"
now() { date +%s%3N; }
load() { cut -d' ' -f1 /proc/loadavg; }
if [[ $op == restore ]]; then
  rm -rf "$work/bk"; "$1" backup create --to "$work/bk" --data-dir "$data" > "$work/bk.out"
  backup=$(tail -n1 "$work/bk.out"); tar -C "$backup" -cf - . | cat >/dev/null; sync
fi
for (( r=1; r<=rounds; r++ )); do
  for bin in "$@"; do
    name=$(basename "$(dirname "$bin")")
    t=$(now)
    if [[ $op == restore ]]; then /usr/bin/time -o "$work/cpu" -f "%U+%S" "$bin" backup restore "$backup" --data-dir "$work/restored" > /dev/null; target="$work/restored"
    else /usr/bin/time -o "$work/cpu" -f "%U+%S" "$bin" backup create --to "$work/created" --data-dir "$data" > /dev/null; target="$work/created"; fi
    echo "$op $name round $r: $(( $(now) - t )) ms, cpu $(cat "$work/cpu") s (load $(load))"
    rm -rf "$target"; sync
  done
  t=$(now); /usr/bin/time -o "$work/cpu" -f "%U+%S" cp -a "$data" "$work/cpcopy"; echo "cp -a round $r: $(( $(now) - t )) ms, cpu $(cat "$work/cpu") s (load $(load))"
  rm -rf "$work/cpcopy"; sync
done
