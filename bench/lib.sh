# Shared by bench/run.sh, bench/ab.sh and bench/profile.sh (sourced, not run): the work directory with its cleanup,
# free ports, CPU accounting, nginx as every comparison configures it, and copies of a dataset's data.

# bench_workdir PARENT PREFIX -> sets run (a fresh directory, removed on exit), pids (killed on exit) and
# stop_cmds (commands run on exit before the directory goes, e.g. scripts/services/postgres.sh stop DIR)
bench_workdir() {
  mkdir -p "$1"
  chmod 755 "$1"
  run="$(mktemp -d "$1/$2.XXXXXX")"
  chmod 755 "$run"
  pids=()
  stop_cmds=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}
bench_cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for p in "${stop_cmds[@]}"; do eval "$p" >/dev/null 2>&1 || true; done
  rm -rf "$run"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# cpu_ticks PID... -> user+system CPU of those processes, in clock ticks (the process totals, which keep the time of
# threads that have ended: a sum over /proc/PID/task misses those, and .NET's thread pool retires threads mid-run)
cpu_ticks() {
  local p
  for p in "$@"; do cat /proc/"$p"/stat 2>/dev/null; done | awk '{ sub(/.*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}

# wait_ready URL PID LOG -> returns once URL answers 2xx; exits (showing LOG) if PID dies or 120 s pass
wait_ready() {
  local deadline=$(( $(now_ms) + 120000 ))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; echo "the server died before $1 answered" >&2; exit 1; }
    [[ $(now_ms) -lt $deadline ]] || { cat "$3" >&2; echo "$1 did not answer within 120 s" >&2; exit 1; }
    sleep 0.005
  done
}

# copy_data DATASET DIR -> DIR holds a private copy of the dataset's database, its blobs hard-linked (blobs are written
# once under their hash and never in place, so the copy cannot change the dataset's)
copy_data() {
  mkdir -p "$2"
  cp -a "$1/data/ghostcrate.db"* "$2/"
  cp -al "$1/data/blobs" "$2/blobs"
}

# start_nginx DATASET -> sets ng_port, ng_pid (needs run, pids, nginx_bin): nginx serving DATASET/www on 127.0.0.1
start_nginx() {
  ng_port="$(free_port)"
  local dir="$run/nginx" www="$1/www"
  mkdir -p "$dir/tmp"
  local user_line=""
  if [[ $(id -u) -eq 0 ]]; then user_line="user root;"; fi
  # open_file_cache keeps descriptors open: stay under the hard limit of open files (a worker cannot raise its own
  # limit past it, and a cache bigger than the limit makes nginx answer errors once the descriptors run out).
  local nofile; nofile="$(ulimit -Hn)"
  [[ $nofile == unlimited || $nofile -gt 400000 ]] && nofile=400000
  local file_cache=$(( nofile - 6000 ))
  [[ $file_cache -gt 200000 ]] && file_cache=200000
  [[ $file_cache -lt 1000 ]] && file_cache=1000
  cat > "$dir/nginx.conf" <<EOF
$user_line
worker_processes auto;
worker_rlimit_nofile $nofile;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  open_file_cache max=$file_cache inactive=300s;
  open_file_cache_valid 300s;
  open_file_cache_min_uses 1;
  open_file_cache_errors on;
  etag on;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  types { }
  default_type text/plain;
  server {
    listen 127.0.0.1:$ng_port;
    root $www;
    location /index/ { add_header Cache-Control "public, no-cache"; }
    location = /index/config.json { default_type application/json; }
    location /api/v1/crates/ { default_type application/gzip; add_header Cache-Control "public, max-age=31536000, immutable"; }
  }
}
EOF
  # The same config.json GhostCrate renders, pointing at nginx.
  printf '{"dl":"http://127.0.0.1:%s/api/v1/crates","api":"http://127.0.0.1:%s"}' "$ng_port" "$ng_port" > "$www/index/config.json"
  "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' 2>"$dir/stderr.log" &
  ng_pid=$!
  pids+=("$ng_pid")
  local deadline=$(( $(now_ms) + 10000 ))
  until curl -fsS -o /dev/null "http://127.0.0.1:$ng_port/index/config.json" 2>/dev/null; do
    [[ $(now_ms) -lt $deadline ]] || { cat "$dir/error.log" "$dir/stderr.log" >&2; echo "nginx did not start" >&2; exit 1; }
    sleep 0.01
  done
}

# start_nginx_lb PORT... -> sets lb_port, lb_pid (needs run, pids, nginx_bin): nginx on 127.0.0.1 as the load balancer
# in front of GhostCrate nodes on those ports: HTTP/1.1 with kept-alive upstream connections
# (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive), round robin, and a request that fails on
# one node before an answer came back retried on the next, as deploy/nginx/ghostcrate.conf does (proxy_next_upstream
# without non_idempotent; the publish body streamed, so a publish that reached a node is never replayed).
start_nginx_lb() {
  lb_port="$(free_port)"
  local dir="$run/nginx-lb" servers="" p
  for p in "$@"; do servers+="    server 127.0.0.1:$p;"$'\n'; done
  mkdir -p "$dir/tmp"
  local user_line=""
  if [[ $(id -u) -eq 0 ]]; then user_line="user root;"; fi
  cat > "$dir/nginx.conf" <<EOF
$user_line
worker_processes auto;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  tcp_nodelay on;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  upstream ghostcrate {
$servers    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$lb_port;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$http_host;
    proxy_next_upstream error timeout http_503;
    location = /api/v1/crates/new {
      client_max_body_size 12m;
      proxy_request_buffering off;
      proxy_pass http://ghostcrate;
    }
    location / {
      proxy_pass http://ghostcrate;
    }
  }
}
EOF
  "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' 2>"$dir/stderr.log" &
  lb_pid=$!
  pids+=("$lb_pid")
  local deadline=$(( $(now_ms) + 10000 ))
  until curl -fsS -o /dev/null "http://127.0.0.1:$lb_port/ready" 2>/dev/null; do
    [[ $(now_ms) -lt $deadline ]] || { cat "$dir/error.log" "$dir/stderr.log" >&2; echo "the nginx load balancer did not start" >&2; exit 1; }
    sleep 0.01
  done
}
