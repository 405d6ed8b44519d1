# shellcheck shell=bash
# Setup (e), sourced by bench/run.sh: the first build of a project through the proxy. `cargo generate-lockfile` then
# `cargo fetch` of the dataset's ~200-crate project (its registry `bench` pointed at the mount by
# CARGO_REGISTRIES_BENCH_INDEX), each run from an empty CARGO_HOME:
#   ng       against nginx serving the dataset directly;
#   gc-cold  through the crates-io proxy mount of a GhostCrate started on a fresh, empty data directory for this run
#            (its upstream is that nginx; the default Ttl);
#   gc-warm  right after, through the same GhostCrate, whose cache now holds every file (CARGO_HOME emptied again).
# The three run in turns, --repeat times; start-up of the server is not timed.
start_nginx "$main"
cp -a "$main/project" "$run/project"
gc_env=(GHOSTCRATE_Proxy__Enabled=true
  "GHOSTCRATE_Proxy__Upstreams__crates-io__IndexUrl=http://127.0.0.1:$ng_port/index/"
  "GHOSTCRATE_Proxy__Upstreams__crates-io__HttpProxy=none")

# cargo_pair NAME INDEX_URL -> appends {"lockfile_ms":..,"fetch_ms":..,"packages":..} to $run/results/cold-NAME.jsonl
cargo_pair() {
  local name="$1" index="$2" t0 t1 t2
  rm -rf "$run/cargo-home" "$run/project/Cargo.lock"
  t0="$(now_ms)"
  (cd "$run/project" && CARGO_HOME="$run/cargo-home" CARGO_REGISTRIES_BENCH_INDEX="$index" "$cargo_bin" generate-lockfile --quiet)
  t1="$(now_ms)"
  (cd "$run/project" && CARGO_HOME="$run/cargo-home" CARGO_REGISTRIES_BENCH_INDEX="$index" "$cargo_bin" fetch --quiet)
  t2="$(now_ms)"
  local packages; packages="$(grep -c '^name = ' "$run/project/Cargo.lock")"
  local crates_fetched; crates_fetched="$(find "$run/cargo-home/registry/cache" -name '*.crate' | wc -l)"
  echo "{\"lockfile_ms\":$((t1 - t0)),\"fetch_ms\":$((t2 - t1)),\"packages\":$packages,\"crate_files\":$crates_fetched}" >> "$run/results/cold-$name.jsonl"
  log "$name: lockfile $((t1 - t0)) ms, fetch $((t2 - t1)) ms, $packages packages, $crates_fetched .crate files"
}

for k in $(seq 1 "$repeat"); do
  cargo_pair ng "sparse+http://127.0.0.1:$ng_port/index/"
  rm -rf "$run/data-proxy-$k"
  mkdir -p "$run/data-proxy-$k"
  start_ghostcrate "$run/data-proxy-$k"
  cargo_pair gc-cold "sparse+http://127.0.0.1:$gc_port/crates-io/index/"
  cargo_pair gc-warm "sparse+http://127.0.0.1:$gc_port/crates-io/index/"
  stop_pid "$gc_pid"
  rm -rf "$run/data-proxy-$k"
done
