# shellcheck shell=bash
# Shared by the setups that compare reads (auth-required, proxy, cluster), sourced by bench/run.sh after the servers of
# the setup are up: GhostCrate (or its load balancer) on gc_port, nginx on ng_port serving the dataset's files.

# gc_curl ARGS... -> curl that sends the setup's token (bench_token, if any) as cargo would: the raw token in
# Authorization
bench_token=""
gc_curl() {
  if [[ -n $bench_token ]]; then curl -H "Authorization: $bench_token" "$@"; else curl "$@"; fi
}

# measure_reads PREFIX -> index GETs, 304s and small downloads, GhostCrate's paths with PREFIX in front (the proxy
# mount's /crates-io) against nginx's plain paths, after both served every index file and every download once.
measure_reads() {
  local prefix="$1" lists="$main/lists" p mismatch=0 who code
  sed "s|^|$prefix|" "$lists/index-paths.txt" > "$run/index-gc.txt"
  sed "s|^|$prefix|" "$lists/crate-small.txt" > "$run/small-gc.txt"

  # Every file once (a proxy mount fetches each from its upstream here), then 5 s of replay of both lists, on both.
  "${tool[@]}" warm --base "http://127.0.0.1:$gc_port" --paths "$run/index-gc.txt" --token "$bench_token"
  "${tool[@]}" warm --base "http://127.0.0.1:$gc_port" --paths "$run/small-gc.txt" --token "$bench_token"
  "${tool[@]}" warm --base "http://127.0.0.1:$ng_port" --paths "$lists/index-paths.txt"
  "${tool[@]}" warm --base "http://127.0.0.1:$ng_port" --paths "$lists/crate-small.txt"
  for warm in index small; do
    WRK_LIST="$run/$warm-gc.txt" wrk -t2 -c32 -d5s -s "$repo/bench/lua/replay.lua" "http://127.0.0.1:$gc_port" >/dev/null 2>&1 || true
  done
  for warm in index-paths crate-small; do
    WRK_LIST="$lists/$warm.txt" wrk -t2 -c32 -d5s -s "$repo/bench/lua/replay.lua" "http://127.0.0.1:$ng_port" >/dev/null 2>&1 || true
  done

  # Same bytes? A sample of index files and downloads.
  for p in $(head -50 "$lists/index-paths.txt") $(sort -u "$lists/crate-small.txt" | head -20); do
    cmp -s <(gc_curl -fsS "http://127.0.0.1:$gc_port$prefix$p") <(curl -fsS "http://127.0.0.1:$ng_port$p") || mismatch=$((mismatch + 1))
  done
  echo "{\"sampled\":70,\"mismatched\":$mismatch}" > "$run/results/same-bytes.json"
  [[ $mismatch -eq 0 ]] || log "warning: $mismatch of 70 sampled files differ between GhostCrate and nginx"

  compare index "$run/index-gc.txt" "$lists/index-paths.txt" get 32

  "${tool[@]}" etags --base "http://127.0.0.1:$gc_port" --paths "$run/index-gc.txt" --out "$run/etags-gc.txt" --limit 5000 --token "$bench_token"
  "${tool[@]}" etags --base "http://127.0.0.1:$ng_port" --paths "$lists/index-paths.txt" --out "$run/etags-ng.txt" --limit 5000
  for who in gc ng; do
    p="$(head -1 "$run/etags-$who.txt")"
    port_var="${who}_port"
    if [[ $who == gc ]]; then
      code="$(gc_curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: ${p#* }" "http://127.0.0.1:${!port_var}${p%% *}")"
    else
      code="$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: ${p#* }" "http://127.0.0.1:${!port_var}${p%% *}")"
    fi
    [[ "$code" == 304 ]] || log "warning: $who answered $code, not 304, to a matching If-None-Match"
  done
  compare revalidate "$run/etags-gc.txt" "$run/etags-ng.txt" revalidate 32
  compare download-small "$run/small-gc.txt" "$lists/crate-small.txt" get 32
}
