#!/usr/bin/env bash
# `ghostcrate mirror sync` next to plain parallel curl, both fetching the same N files from the same local nginx with
# the same parallelism. Reports files/s, MB/s and peak RSS, at N and at 4N (memory must stay flat as N grows).
#
#   bash bench/mirror/run.sh                          # N=2000 and 8000 files of 20 KiB, parallelism 8
#   bash bench/mirror/run.sh --files 5000 --size 65536 --parallel 16
#   bash bench/mirror/run.sh --server DIR             # measure a published build in DIR instead of publishing one
#   bash bench/mirror/run.sh --toolchains             # `toolchain sync` instead: one release of N=16 archives of
#                                                     # 32 MiB (MB/s is what counts for toolchains), N only
#   bash bench/mirror/run.sh --no-fresh-fs            # write into /tmp itself instead of a fresh file system per run
#
# As root, each tool writes into a file system of its own made just before it runs (an ext4 image on /tmp's disk,
# loop-mounted): on a file system that has seen big deletes, ext4 scans past recently freed inodes on every file it
# creates, which made curl's own time for the same files swing from 1 to 3.3 s between runs; a fresh one gives both
# tools the same start. The sync's syncfs then flushes only its own file system, as on a dedicated mirror volume.
#
# The program is measured as it ships: published with ReadyToRun code (scripts/publish.sh does the same for
# releases), so the runs do not spend their first seconds compiling every method.
#
# Needs nginx, curl, git, python3 and GNU time (installed from Debian when missing). Binds 127.0.0.1 on a free port
# only; every run is bounded. Writes bench/results/mirror-<date>.md and prints it.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
files=""
size=""
parallel=8
server=""
toolchains=false
fresh_fs=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --server) server="$(cd "$2" && pwd)"; shift 2 ;;
    --toolchains) toolchains=true; shift ;;
    --no-fresh-fs) fresh_fs=false; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
log() { echo "==> $*" >&2; }
if $toolchains; then
  files="${files:-16}"
  size="${size:-33554432}"
  sizes=("$files")
  tool="ghostcrate toolchain sync"
else
  files="${files:-2000}"
  size="${size:-20480}"
  sizes=("$files" $((files * 4)))
  tool="ghostcrate mirror sync"
fi

need=()
[[ -x /usr/sbin/nginx ]] || command -v nginx >/dev/null || need+=(nginx-light)
[[ -x /usr/bin/time ]] || need+=(time)
command -v curl >/dev/null || need+=(curl)
command -v git >/dev/null || need+=(git)
if [[ ${#need[@]} -gt 0 ]]; then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work="$(mktemp -d /tmp/ghostcrate-mirror-bench.XXXXXX)"
chmod 755 "$work" # nginx workers run as an unprivileged user
if [[ -z $server ]]; then
  log "publishing ghostcrate (Release, ReadyToRun)"
  server="$work/server"
  dotnet publish "$repo/src/GhostCrate/GhostCrate.csproj" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$server" -nologo -v:q >/dev/null
fi
ghostcrate="$server/ghostcrate"
nginx_pid=""
mounts=()
cleanup() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null || true
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done
  rm -rf "$work"
  sync # see the cleanup between sizes below: the next run must not measure this one's rm -rf
}
trap cleanup EXIT

if $fresh_fs && { [[ $(id -u) -ne 0 ]] || ! command -v mkfs.ext4 >/dev/null; }; then
  log "not root or no mkfs.ext4: writing into $work itself (--no-fresh-fs)"
  fresh_fs=false
fi
# fresh_fs_at DIR MiB: an empty ext4 file system mounted at DIR (made in an image file beside it, on the same disk).
fresh_fs_at() {
  local dir="$1" mib="$2"
  mkdir -p "$dir"
  if ! $fresh_fs; then return 0; fi
  truncate -s "${mib}M" "$dir.img"
  mkfs.ext4 -q -F -m 0 "$dir.img"
  mount -o loop "$dir.img" "$dir"
  mounts+=("$dir")
  rmdir "$dir/lost+found"
}
# release_fs DIR: unmounts what fresh_fs_at mounted there and deletes its image (untimed, like the deletes below).
release_fs() {
  local dir="$1"
  if $fresh_fs; then umount "$dir"; rm -f "$dir.img"; fi
  rm -rf "$dir"
}

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

# wall seconds, peak RSS (KiB), CPU seconds (user + sys) of a command from GNU time, and the 1-minute load average
# just before it ran: the machine may be shared, and a loaded machine stretches wall time far more than CPU time.
measure() { # label logfile command...
  local label="$1" logfile="$2"; shift 2
  local load; load="$(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -f '%e %M %U %S' -o "$logfile.time" timeout 600 "$@" >"$logfile" 2>&1 || { log "$label failed:"; tail -20 "$logfile" >&2; return 1; }
  echo "$(cat "$logfile.time") $load"
}

results=()
for n in "${sizes[@]}"; do
  data="$work/n$n"
  log "generating $n files of $size bytes"
  if $toolchains; then
    python3 "$repo/bench/mirror/gen_dist.py" "$data" "$n" "$size" "$port"
  else
    python3 "$repo/bench/mirror/gen.py" "$data" "$n" "$size" "$port"
    git -C "$data/index" init -q && git -C "$data/index" add -A && git -C "$data/index" -c user.name=bench -c user.email=bench@example.invalid commit -qm "bench index"
    # Packed, as every real index is (a clone or fetch receives packs, GitHub serves them): `git add` leaves one loose
    # object per file, and a fetch from such a repository spends most of its time opening and compressing those.
    git -C "$data/index" repack -adq
  fi

  [[ -n $nginx_pid ]] && { kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; }
  mkdir -p "$data/nginx"
  cat >"$data/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $data/nginx/nginx.pid;
error_log $data/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 100000;
  server { listen 127.0.0.1:$port; root $data/files; }
}
NGINX
  "$nginx_bin" -p "$data/nginx" -c "$data/nginx/nginx.conf" -g 'daemon off;' &
  nginx_pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

  log "N=$n: curl --parallel --parallel-max $parallel"
  fs_mib=$(( n * size * 3 / 1048576 + 256 ))
  fresh_fs_at "$data/curl-out" "$fs_mib"
  read -r curl_s curl_kb curl_u curl_sys curl_load < <(measure curl "$data/curl.log" curl -sS --fail --parallel --parallel-max "$parallel" -K "$data/urls.cfg")
  curl_files="$(find "$data/curl-out" -type f | wc -l)"
  # curl leaves its files dirty in the page cache: written back now, untimed, or the sync's first syncfs (which makes
  # everything on the file system durable) would write them and be timed for curl's writeback too.
  sync

  log "N=$n: $tool --concurrency $parallel"
  fresh_fs_at "$data/mirror" "$fs_mib"
  if $toolchains; then
    # Unsigned synthetic manifest: --signatures skip; every archive is still checked against both hashes.
    read -r gc_s gc_kb gc_u gc_sys gc_load < <(measure sync "$data/sync.log" "$ghostcrate" toolchain sync "$data/mirror" --hosts x86_64-unknown-linux-gnu \
      --dist-server "http://127.0.0.1:$port" --signatures skip --concurrency "$parallel")
    gc_files="$(find "$data/mirror/toolchains/dist" -type f ! -name '*.sha256' | wc -l)"
  else
    "$ghostcrate" mirror init "$data/mirror" --upstream "file://$data/index" --concurrency "$parallel" >/dev/null
    read -r gc_s gc_kb gc_u gc_sys gc_load < <(measure sync "$data/sync.log" "$ghostcrate" mirror sync "$data/mirror" --plain)
    gc_files="$(find "$data/mirror/crates" -type f | wc -l)"
  fi
  mb=$(python3 -c "print($n*$size/1e6)")
  results+=("$(python3 - "$n" "$mb" "$curl_s" "$curl_kb" "$curl_files" "$curl_u" "$curl_sys" "$curl_load" "$gc_s" "$gc_kb" "$gc_files" "$gc_u" "$gc_sys" "$gc_load" "$tool" <<'PY'
import sys
a = sys.argv[1:]
n, mb, tool = int(a[0]), float(a[1]), a[14]
cs, ckb, cf, ccpu, cload = max(float(a[2]), 0.01), int(a[3]), a[4], float(a[5]) + float(a[6]), a[7]
gs, gkb, gf, gcpu, gload = max(float(a[8]), 0.01), int(a[9]), a[10], float(a[11]) + float(a[12]), a[13]
print(f"| {n} | curl | {cf} | {cs:.2f} | {n/cs:.0f} | {mb/cs:.1f} | {ckb/1024:.0f} | {ccpu:.2f} | {cload} | |")
print(f"| {n} | {tool} | {gf} | {gs:.2f} | {n/gs:.0f} | {mb/gs:.1f} | {gkb/1024:.0f} | {gcpu:.2f} | {gload} | {gs/cs:.1f}x wall, {gcpu/max(ccpu, 0.01):.0f}x CPU |")
PY
)")
  grep -E '^(Sync |stable: )' "$data/sync.log" >&2 || true
  rm -rf "$data/files"
  release_fs "$data/curl-out"
  release_fs "$data/mirror"
  # ext4 without a journal (this machine's root) skips inodes freed in the last 5 minutes while their inode table is
  # not yet written back: right after a big rm -rf every file creation scans past them, for curl and the sync alike
  # (the sync creates three inodes per crate, curl one). Writing the tables back keeps the next size's runs from
  # measuring the previous size's cleanup.
  sync
done

mkdir -p "$repo/bench/results"
report="$repo/bench/results/$($toolchains && echo toolchain || echo mirror)-$(date -u +%Y%m%d-%H%M).md"
{
  echo "# $tool vs parallel curl ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "Same nginx on 127.0.0.1 serving N files of $size random bytes; parallelism $parallel for both."
  if $toolchains; then
    echo "curl only downloads; \`toolchain sync\` also fetches the channel manifest and its .sha256, each archive's"
    echo ".sha256, verifies every archive against both, makes it durable before its rename, and switches to a new"
    echo "served generation; the program is the ReadyToRun build users run. Peak memory ="
  else
    echo "curl only downloads; \`mirror sync\` also fetches a git index (file://), reads every index file, verifies each"
    echo "SHA-256, makes each file durable (one syncfs for every file ready at once) before its rename, writes the"
    echo "manifest and a new served generation; the program is the ReadyToRun build users run. Peak memory ="
  fi
  echo "max RSS (GNU time). CPU = user + sys seconds. Load = 1-minute load average just before the run: on a shared"
  echo "machine wall time depends on it far more than CPU time does."
  if $fresh_fs; then echo "Each tool wrote into a fresh ext4 file system of its own (loop-mounted image on /tmp's disk)."; else echo "Both tools wrote into /tmp itself (--no-fresh-fs)."; fi
  echo
  echo "| N | tool | files | seconds | files/s | MB/s | peak RSS MiB | CPU s | load | sync/curl |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${results[@]}"
} >"$report"
cat "$report"
