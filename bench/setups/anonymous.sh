# shellcheck shell=bash
# Setup (a), sourced by bench/run.sh: anonymous clients, SQLite + files, private crates (the default of `ghostcrate
# serve`). Start-up and peak RSS per size, then index, 304s, downloads, cargo generate-lockfile, search and publish
# against nginx serving the exported bytes.

# ---------------------------------------------------------------------------------------- start-up and memory per size
for n in "${sizes[@]}"; do
  if [[ $n -eq $crates ]]; then continue; fi
  copy="$run/data-n$n"
  cp -a "$work/n$n/data" "$copy"
  starts=()
  for _ in 1 2 3; do
    start_ghostcrate "$copy"; starts+=("$gc_startup_ms")
    if [[ ${#starts[@]} -lt 3 ]]; then stop_pid "$gc_pid"; fi
  done
  # Peak RSS after every index file has been read once and the index list replayed.
  wrk_run "warm-n$n" "$gc_port" "$work/n$n/lists/index-paths.txt" get 32 >/dev/null
  printf '{"n":%s,"startup_ms":[%s],"peak_rss_mb":%s}\n' "$n" "$(IFS=,; echo "${starts[*]}")" "$(peak_rss_mb "$gc_pid")" > "$run/results/size-n$n.json"
  log "N=$n: $(cat "$run/results/size-n$n.json")"
  stop_pid "$gc_pid"
  rm -rf "$copy"
done

# ------------------------------------------------------------------------------------------------------- main size runs
copy="$run/data-n$crates"
cp -a "$main/data" "$copy"
starts=()
for _ in 1 2 3; do
  start_ghostcrate "$copy"; starts+=("$gc_startup_ms")
  if [[ ${#starts[@]} -lt 3 ]]; then stop_pid "$gc_pid"; fi
done
start_nginx "$main"
lists="$main/lists"
log "GhostCrate on :$gc_port, nginx on :$ng_port, N=$crates"

# Same bytes? Compare a sample of index files.
mismatch=0
for p in $(head -50 "$lists/index-paths.txt"); do
  cmp -s <(curl -fsS "http://127.0.0.1:$gc_port$p") <(curl -fsS "http://127.0.0.1:$ng_port$p") || mismatch=$((mismatch + 1))
done
echo "{\"sampled\":50,\"mismatched\":$mismatch}" > "$run/results/same-bytes.json"

# Warm both (GhostCrate's caches and compiled code, nginx's open_file_cache, the page cache), then measure. "Warm"
# means every index file was asked for once (at 100k crates 5 s of replay reach only part of them): one pass over the
# whole list first, 8 at a time, for both servers alike.
for who in gc ng; do
  port_var="${who}_port"; port="${!port_var}"
  "${tool[@]}" etags --base "http://127.0.0.1:$port" --paths "$lists/index-paths.txt" --out "$run/warm-pass-$who.txt" --limit 100000000
  for warm in index-paths crate-small; do
    WRK_LIST="$lists/$warm.txt" wrk -t2 -c32 -d5s -s "$repo/bench/lua/replay.lua" "http://127.0.0.1:$port" >/dev/null 2>&1 || true
  done
done
compare index "$lists/index-paths.txt" "$lists/index-paths.txt" get 32

for who in gc ng; do
  port_var="${who}_port"
  "${tool[@]}" etags --base "http://127.0.0.1:${!port_var}" --paths "$lists/index-paths.txt" --out "$run/etags-$who.txt" --limit 5000
  p="$(head -1 "$run/etags-$who.txt")"
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: ${p#* }" "http://127.0.0.1:${!port_var}${p%% *}")"
  [[ "$code" == 304 ]] || log "warning: $who answered $code, not 304, to a matching If-None-Match"
done
compare revalidate "$run/etags-gc.txt" "$run/etags-ng.txt" revalidate 32
compare download-small "$lists/crate-small.txt" "$lists/crate-small.txt" get 32
compare download-big "$lists/crate-big.txt" "$lists/crate-big.txt" get 8

# Search: GhostCrate only (nginx cannot search); the query list mixes words, whole names and misses.
sed 's|^|/api/v1/crates?per_page=10\&q=|' "$lists/search-queries.txt" > "$run/search-paths.txt"
# Warm first, as the other measurements are (the FTS pages and the search code's tiered JIT: a cold first run had a p99
# of 190 ms where the next ones had 62-84 ms).
WRK_LIST="$run/search-paths.txt" wrk -t2 -c4 -d5s -s "$repo/bench/lua/replay.lua" "http://127.0.0.1:$gc_port" >/dev/null 2>&1 || true
wrk_run "search-gc" "$gc_port" "$run/search-paths.txt" get 4 "$gc_pid"

# cargo generate-lockfile from a cold CARGO_HOME against each server's index.
cp -a "$main/project" "$run/project"
for who in gc ng; do
  port_var="${who}_port"
  hyperfine --runs 5 --style none --export-json "$run/results/lockfile-$who.json" \
    --prepare "rm -rf $run/cargo-home $run/project/Cargo.lock" \
    "cd $run/project && CARGO_HOME=$run/cargo-home CARGO_REGISTRIES_BENCH_INDEX=sparse+http://127.0.0.1:${!port_var}/index/ $cargo_bin generate-lockfile --quiet" >/dev/null
  grep -c '^name = ' "$run/project/Cargo.lock" > "$run/results/lockfile-$who-packages.txt"
  log "lockfile-$who: $(python3 -c "import json,sys; r=json.load(open('$run/results/lockfile-$who.json'))['results'][0]; print(round(r['median'],3),'s median')") for $(cat "$run/results/lockfile-$who-packages.txt") packages"
done

rss_read="$(peak_rss_mb "$gc_pid")"

# Publish last: it changes the registry.
"${tool[@]}" publish-load --base "http://127.0.0.1:$gc_port" --token "$admin_token" --seconds "$publish_seconds" --concurrency 4 \
  --deps "$lists/popular-crates.txt" > "$run/results/publish.json" || true
log "publish: $(cat "$run/results/publish.json")"
rss_all="$(peak_rss_mb "$gc_pid")"
printf '{"n":%s,"startup_ms":[%s],"peak_rss_mb":%s,"peak_rss_read_mb":%s}\n' "$crates" "$(IFS=,; echo "${starts[*]}")" "$rss_all" "$rss_read" > "$run/results/size-n$crates.json"
