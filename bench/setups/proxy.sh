# shellcheck shell=bash
# Setup (c), sourced by bench/run.sh: the crates-io proxy mount of a GhostCrate with an empty data directory, its
# upstream nginx serving the dataset's www/ tree as a sparse registry (config.json's `dl` points at nginx, on
# loopback). Every index file and download is fetched through the mount once, then reads through /crates-io/ are
# measured against the same files from nginx directly. Ttl is a day, so no file is revalidated upstream during the
# runs: this measures serving from the proxy's cache. The proxy has no address filter on its upstreams (they are the
# operator's configuration, not user input), so a loopback upstream needs no extra setting.
source "$repo/bench/setups/common.sh"

start_nginx "$main"
proxy_data="$run/data-proxy"
mkdir -p "$proxy_data"
gc_env=(GHOSTCRATE_Proxy__Enabled=true
  "GHOSTCRATE_Proxy__Upstreams__crates-io__IndexUrl=http://127.0.0.1:$ng_port/index/"
  "GHOSTCRATE_Proxy__Upstreams__crates-io__HttpProxy=none"
  "GHOSTCRATE_Proxy__Upstreams__crates-io__Ttl=1.00:00:00")
start_ghostcrate "$proxy_data"
log "GhostCrate (proxy mount /crates-io/ of nginx) on :$gc_port, nginx on :$ng_port, N=$crates"
measure_reads /crates-io
