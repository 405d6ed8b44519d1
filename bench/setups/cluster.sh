# shellcheck shell=bash
# Setup (d), sourced by bench/run.sh: two GhostCrate nodes on one PostgreSQL and one s3rver (started by
# scripts/services/postgres.sh and s3.sh, as scripts/test.sh starts them; PostgreSQL runs as the postgres user when
# we are root), nginx in front of both as the load balancer (lib.sh's start_nginx_lb), against nginx serving the
# dataset's files directly. The dataset gets there the documented way of moving a registry between backends
# (docs/backup-and-restore.md): `ghostcrate backup create` of the SQLite dataset, `ghostcrate migrate` and
# `ghostcrate backup restore` with the PostgreSQL + S3 settings. Server CPU per request is both nodes' plus the
# balancer's workers.
source "$repo/bench/setups/common.sh"

pg="$run/postgres" s3="$run/s3"
stop_cmds+=("bash '$repo/scripts/services/postgres.sh' stop '$pg'" "bash '$repo/scripts/services/s3.sh' stop '$s3'")
log "starting PostgreSQL and s3rver"
bash "$repo/scripts/services/postgres.sh" start "$pg"
bash "$repo/scripts/services/s3.sh" start "$s3"
# shellcheck disable=SC1091
source "$pg/env"
# shellcheck disable=SC1091
source "$s3/env"
cluster_env=(GHOSTCRATE_Database__Provider=Postgres
  "GHOSTCRATE_Database__ConnectionString=$GHOSTCRATE_TEST_POSTGRES"
  GHOSTCRATE_Storage__Provider=S3
  GHOSTCRATE_Storage__S3__Bucket=ghostcrate-bench
  "GHOSTCRATE_Storage__S3__ServiceUrl=$GHOSTCRATE_TEST_S3_URL"
  GHOSTCRATE_Storage__S3__AccessKeyId=S3RVER
  GHOSTCRATE_Storage__S3__SecretAccessKey=S3RVER
  GHOSTCRATE_Storage__S3__CreateBucket=true)

log "moving the dataset into PostgreSQL + S3 (backup create, migrate, backup restore)"
copy_data "$main" "$run/data-sqlite"
"$server_bin" backup create --to "$run/backups" --data-dir "$run/data-sqlite" > "$run/backup-create.log" 2>&1 \
  || { cat "$run/backup-create.log" >&2; exit 1; }
backup="$(tail -1 "$run/backup-create.log")"
rm -rf "$run/data-sqlite"
env "${cluster_env[@]}" "$server_bin" migrate --data-dir "$run/node-a" > "$run/migrate.log" 2>&1 || { cat "$run/migrate.log" >&2; exit 1; }
env "${cluster_env[@]}" "$server_bin" backup restore "$backup" --data-dir "$run/node-a" > "$run/restore.log" 2>&1 \
  || { cat "$run/restore.log" >&2; exit 1; }
log "restored: $(tail -1 "$run/restore.log")"

gc_env=("${cluster_env[@]}")
start_ghostcrate "$run/node-a"
node_a_pid="$gc_pid" node_a_port="$gc_port"
mkdir -p "$run/node-b"
start_ghostcrate "$run/node-b"
node_b_pid="$gc_pid" node_b_port="$gc_port"
start_nginx_lb "$node_a_port" "$node_b_port"
start_nginx "$main"
# What wrk measures as "GhostCrate" is the balancer; the CPU counted is both nodes' and the balancer's workers'.
gc_port="$lb_port"
# shellcheck disable=SC2207 # one PID per word
gc_cpu_pids=("$node_a_pid" "$node_b_pid" $(pgrep -P "$lb_pid"))
log "GhostCrate nodes on :$node_a_port and :$node_b_port behind nginx on :$lb_port, nginx (files) on :$ng_port, N=$crates"
measure_reads ""

# Failover: wrk replays the index files through the balancer while node B is killed (SIGKILL) a third of the way in.
# nginx passes every read that fails on B to A (deploy/nginx/ghostcrate.conf's proxy_next_upstream, as start_nginx_lb),
# so the target is no failed request: no non-2xx/3xx answer (status_errors) and no socket error.
kill_after=$(( duration / 3 > 0 ? duration / 3 : 1 ))
log "failover: wrk for ${duration}s through the balancer, node B killed after ${kill_after}s"
WRK_LIST="$run/index-gc.txt" wrk -t2 -c32 -d"${duration}s" --timeout 10s -s "$repo/bench/lua/replay.lua" \
  "http://127.0.0.1:$lb_port" > "$run/results/failover.txt" 2>&1 &
wrk_pid=$!
sleep "$kill_after"
kill -KILL "$node_b_pid"
wait "$wrk_pid" || true
grep -m1 '^{"requests"' "$run/results/failover.txt" | sed "s/}\$/,\"kill_after_s\":$kill_after}/" > "$run/results/failover.json" \
  || { cat "$run/results/failover.txt" >&2; echo '{}' > "$run/results/failover.json"; }
log "failover: $(cat "$run/results/failover.json")"
