# shellcheck shell=bash
# Setup (e), sourced by bench/run.sh: the first build of a project through the proxy. `cargo generate-lockfile` then
# `cargo fetch` of the dataset's ~200-crate project (its registry `bench` pointed at the mount by
# CARGO_REGISTRIES_BENCH_INDEX), each run from an empty CARGO_HOME:
#   ng        against nginx serving the dataset directly;
#   gc-cold   through the crates-io proxy mount of a GhostCrate started on a fresh, empty data directory for this run
#             (its upstream is that nginx; the default Ttl), after a warm-up through a second mount (below);
#   gc-warm   right after, through the same GhostCrate, whose cache now holds every file (CARGO_HOME emptied again);
#   gc-fresh  through the crates-io mount of another GhostCrate on another empty data directory, started just before
#             and not warmed up: what the very first build after a restart costs (JIT of every cold path included).
# The target (issue 24 (e)) is about an empty *cache*: a server that has run for a while, not one that is compiling
# its own code while it answers (bench/README.md, "Session 23, the cold proxy path"). The warm-up asks a second mount, `warmup`, of the
# same nginx for the index files and downloads of crates outside the project, untimed: each mount has its own index
# rows and blob keys (BlobKey.ProxyCrateFile is per upstream), so nothing the project needs is cached by it.
# All four run in turns, --repeat times; start-up of the servers and the warm-up are not timed.
start_nginx "$main"
cp -a "$main/project" "$run/project"
gc_env=(GHOSTCRATE_Proxy__Enabled=true
  "GHOSTCRATE_Proxy__Upstreams__crates-io__IndexUrl=http://127.0.0.1:$ng_port/index/"
  "GHOSTCRATE_Proxy__Upstreams__crates-io__HttpProxy=none"
  "GHOSTCRATE_Proxy__Upstreams__warmup__IndexUrl=http://127.0.0.1:$ng_port/index/"
  "GHOSTCRATE_Proxy__Upstreams__warmup__HttpProxy=none")
warmup_crates="${GHOSTCRATE_BENCH_WARMUP_CRATES:-300}"
# cargo's own writes (the index cache and every .crate it fetches) go to a tmpfs when there is one: on this VM's disk
# nginx's own cold fetch of the same files took 0.18 to 1.15 s between runs minutes apart (session 24), which measured
# the client's disk, not a server. GhostCrate's data directory stays on disk: storing what it fetched is its own cost.
if [[ -d /dev/shm && -w /dev/shm ]]; then
  cargo_home_parent="$(mktemp -d /dev/shm/ghostcrate-bench-cargo.XXXXXX)"
  stop_cmds+=("rm -rf '$cargo_home_parent'")
  cargo_home="$cargo_home_parent/cargo-home"
else
  cargo_home="$run/cargo-home"
fi

# cargo_pair NAME INDEX_URL -> appends {"lockfile_ms":..,"fetch_ms":..,"packages":..} to $run/results/cold-NAME.jsonl
cargo_pair() {
  local name="$1" index="$2" t0 t1 t2
  rm -rf "$cargo_home" "$run/project/Cargo.lock"
  t0="$(now_ms)"
  (cd "$run/project" && CARGO_HOME="$cargo_home" CARGO_REGISTRIES_BENCH_INDEX="$index" "$cargo_bin" generate-lockfile --quiet)
  t1="$(now_ms)"
  (cd "$run/project" && CARGO_HOME="$cargo_home" CARGO_REGISTRIES_BENCH_INDEX="$index" "$cargo_bin" fetch --quiet)
  t2="$(now_ms)"
  local packages; packages="$(grep -c '^name = ' "$run/project/Cargo.lock")"
  local crates_fetched; crates_fetched="$(find "$cargo_home/registry/cache" -name '*.crate' | wc -l)"
  echo "{\"lockfile_ms\":$((t1 - t0)),\"fetch_ms\":$((t2 - t1)),\"packages\":$packages,\"crate_files\":$crates_fetched}" >> "$run/results/cold-$name.jsonl"
  log "$name: lockfile $((t1 - t0)) ms, fetch $((t2 - t1)) ms, $packages packages, $crates_fetched .crate files"
}

# warmup_list -> $run/warmup-1.curl .. warmup-3.curl: curl configs asking the `warmup` mount for the index file and one
# download of each of $warmup_crates small crates of the dataset that are not in the project's Cargo.lock (nginx's run
# wrote it), a third of the crates in each.
warmup_list() {
  python3 - "$main/lists/crate-small.txt" "$run/project/Cargo.lock" "$warmup_crates" "http://127.0.0.1:$gc_port/warmup" "$run/warmup" <<'PY'
import re, sys
small, lock, count, base, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
in_project = set(re.findall(r'^name = "([^"]+)"', open(lock).read(), re.M))
def index_path(name):  # https://doc.rust-lang.org/cargo/reference/registry-index.html#index-files
    n = name.lower()
    if len(n) <= 2: return f"{len(n)}/{n}"
    if len(n) == 3: return f"3/{n[0]}/{n}"
    return f"{n[:2]}/{n[2:4]}/{n}"
seen, picked = set(), []
for line in open(small):
    parts = line.strip().split("/")  # /api/v1/crates/NAME/VERSION/download
    if len(parts) < 6: continue
    name, version = parts[4], parts[5]
    if name in in_project or name in seen: continue
    seen.add(name)
    picked.append((name, version))
    if len(picked) == count: break
for part in range(3):
    with open(f"{out}-{part + 1}.curl", "w") as f:
        chunk = picked[part::3]
        for name, version in chunk:
            f.write(f'url = "{base}/index/{index_path(name)}"\noutput = "/dev/null"\n')
        for name, version in chunk:
            f.write(f'url = "{base}/api/v1/crates/{name}/{version}/download"\noutput = "/dev/null"\n')
PY
}

# wait_stored MOUNT COUNT -> returns once the mount's cache records COUNT .crate files (the admin status' crateFiles):
# the proxy stores what it fetched just after answering (docs/proxy.md, "Stored just after the answer"), and those
# writes (fsyncs included) must not spill into the next timed command. At most 60 s.
wait_stored() {
  local mount="$1" count="$2" deadline=$(( $(now_ms) + 60000 )) have
  while [[ $(now_ms) -lt $deadline ]]; do
    have="$(curl -fsS -H "Authorization: $admin_token" "http://127.0.0.1:$gc_port/api/v1/admin/proxy/status" |
      python3 -c 'import json, sys; print(next(u["cache"]["crateFiles"] for u in json.load(sys.stdin)["upstreams"] if u["name"] == sys.argv[1]))' "$mount")" || have=0
    [[ $have -ge $count ]] && return 0
    sleep 0.1
  done
  log "$mount: only $have of $count .crate files stored after 60 s"
}

# settle -> waits until the server's CPU stops moving for half a second (at most 10 s)
settle() {
  local before after deadline=$(( $(now_ms) + 10000 ))
  before="$(cpu_ticks "$gc_pid")"
  while [[ $(now_ms) -lt $deadline ]]; do
    sleep 0.5
    after="$(cpu_ticks "$gc_pid")"
    [[ $after -eq $before ]] && break
    before="$after"
  done
}

# warm_up -> the warm-up through the `warmup` mount, in three rounds of cold requests (each a third of the crates, in
# parallel as cargo asks, then once more one by one as hits) with a pause between them. The pauses matter: .NET's
# tiered compilation counts a method's calls only after a quiet 100 ms, so the cold path's methods are recompiled
# (tier 1) only once a later round calls them again; with a single round that recompilation, about 0.8 s of CPU,
# happened during the timed cold build. Then three rounds of cargo itself (cargo_warm_up), and waits until what it
# fetched is stored and the CPU settles.
warm_up() {
  warmup_list
  local part requests=0 jit_before jit_cargo
  jit_before="$(jit_methods)"
  for part in 1 2 3; do
    curl -fsS --parallel --parallel-max 16 -K "$run/warmup-$part.curl" || log "warm-up: some requests failed (curl exit $?)"
    curl -fsS -K "$run/warmup-$part.curl" || log "warm-up: some requests failed (curl exit $?)"
    requests=$(( requests + $(grep -c '^url' "$run/warmup-$part.curl") ))
    settle
  done
  jit_cargo="$(jit_methods)"
  for part in 1 2 3; do cargo_warm_up "$part"; done
  wait_stored warmup "$(cat "$run"/warmup-*.curl | grep -c '/download"$')"
  settle
  log "warm-up: $requests requests and $(( $(jit_methods) - jit_before )) methods compiled (of them $(( $(jit_methods) - jit_cargo )) in the cargo rounds) through the warmup mount"
}

# cargo_warm_up PART -> `cargo generate-lockfile` and `cargo fetch`, through the warmup mount from an empty CARGO_HOME,
# of a project that depends on 60 of that part's crates (any version). The timed build's requests are cargo's, not
# curl's: config.json first, cargo's own headers, one connection asking in turn. Code only they reach was compiled
# during the timed cold build (probe of session 26: over a quarter of the server's CPU during `cargo fetch` was the
# JIT, after the three curl rounds); a server that has run for a while has served cargo before. Untimed, and a
# failed round is only logged.
cargo_warm_up() {
  local part="$1" dir="$run/warmup-project-$1" home="$cargo_home.warmup"
  mkdir -p "$dir/src"
  echo 'fn main() {}' > "$dir/src/main.rs"
  {
    printf '[package]\nname = "warmup%s"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n' "$part"
    grep -o '/warmup/index/[^"]*' "$run/warmup-$part.curl" | sed 's#.*/##' | head -60 | sed 's/.*/& = { version = "*", registry = "bench" }/'
  } > "$dir/Cargo.toml"
  rm -rf "$home"
  (cd "$dir" && CARGO_HOME="$home" CARGO_REGISTRIES_BENCH_INDEX="sparse+http://127.0.0.1:$gc_port/warmup/index/" "$cargo_bin" generate-lockfile --quiet &&
    CARGO_HOME="$home" CARGO_REGISTRIES_BENCH_INDEX="sparse+http://127.0.0.1:$gc_port/warmup/index/" "$cargo_bin" fetch --quiet) ||
    log "warm-up: cargo round $part failed (exit $?)"
  rm -rf "$home"
  settle
}

# jit_methods -> methods the server's runtime has compiled so far (its /metrics, dotnet_jit_compiled_methods_total)
jit_methods() {
  curl -fsS "http://127.0.0.1:$gc_port/metrics" | awk '/^dotnet_jit_compiled_methods_total/ { n = $2 } END { print n + 0 }'
}

for k in $(seq 1 "$repeat"); do
  cargo_pair ng "sparse+http://127.0.0.1:$ng_port/index/"

  rm -rf "$run/data-proxy-$k"
  mkdir -p "$run/data-proxy-$k"
  start_ghostcrate "$run/data-proxy-$k"
  warm_up
  jit_cold="$(jit_methods)"
  cargo_pair gc-cold "sparse+http://127.0.0.1:$gc_port/crates-io/index/"
  log "gc-cold: $(( $(jit_methods) - jit_cold )) methods compiled during the timed cold build"
  wait_stored crates-io "$(find "$cargo_home/registry/cache" -name '*.crate' | wc -l)"
  cargo_pair gc-warm "sparse+http://127.0.0.1:$gc_port/crates-io/index/"
  stop_pid "$gc_pid"
  rm -rf "$run/data-proxy-$k"

  mkdir -p "$run/data-proxy-$k"
  start_ghostcrate "$run/data-proxy-$k"
  cargo_pair gc-fresh "sparse+http://127.0.0.1:$gc_port/crates-io/index/"
  stop_pid "$gc_pid"
  rm -rf "$run/data-proxy-$k"
done
