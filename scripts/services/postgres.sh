#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test lanes: no systemd, no Docker, 127.0.0.1 only, on a free port.
#
#   scripts/services/postgres.sh start DIR   # idempotent; writes DIR/env (source it to get GHOSTCRATE_TEST_POSTGRES)
#   scripts/services/postgres.sh stop DIR    # idempotent; keeps DIR so a later start reuses the cluster
#   scripts/services/postgres.sh status DIR  # exit 0 when running
#
# Quiet on success; on failure the server log (DIR/server.log) is printed.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

usage() { die "usage: $0 start|stop|status DIR"; }

[[ $# -eq 2 ]] || usage
cmd=$1
dir=$2
[[ -n $dir ]] || usage
case $cmd in
    start) mkdir -p "$dir" ;;
    stop) [[ -d $dir ]] || exit 0 ;;
    status) [[ -d $dir ]] || exit 1 ;;
esac
dir=$(cd "$dir" && pwd)
data="$dir/data"
log="$dir/server.log"

find_bin() {
    # Newest installed major version wins.
    local initdb
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n $initdb ]] && dirname "$initdb"
}

ensure_installed() {
    local missing=()
    [[ -n $(find_bin) ]] || missing+=(postgresql)
    # Free ports and passwords are picked with python3.
    command -v python3 >/dev/null || missing+=(python3)
    if [[ ${#missing[@]} -gt 0 ]]; then
        [[ $(id -u) -eq 0 ]] || die "${missing[*]} not installed and installing needs root"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    bin=$(find_bin)
    [[ -n $bin ]] || die "initdb not found after installing postgresql"
}

# initdb refuses to run as root, so as root everything runs as the `postgres` OS user (which owns DIR).
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

port_free() {
    # SO_REUSEADDR like the server itself, so a port left in TIME_WAIT by our previous run still counts as free.
    python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

running() {
    [[ -f $data/PG_VERSION ]] && as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

write_env() {
    local port password
    port=$(cat "$dir/port")
    password=$(cat "$dir/password")
    printf "export GHOSTCRATE_TEST_POSTGRES='Host=127.0.0.1;Port=%s;Username=postgres;Password=%s;Database=postgres'\n" \
        "$port" "$password" >"$dir/env"
    chmod 600 "$dir/env"
}

start() {
    ensure_installed
    if running; then
        write_env
        return 0
    fi
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres:postgres "$dir"
        # The postgres user must be able to reach DIR (e.g. not under /root).
        runuser -u postgres -- test -w "$dir" || die "$dir is not writable by the postgres user; use a directory under /tmp"
    fi
    if [[ ! -f $data/PG_VERSION ]]; then
        rm -rf "$data"
        # Letters and digits only, so the password needs no quoting in a connection string.
        python3 -c 'import secrets, string; print("".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(24)), end="")' >"$dir/password"
        chmod 600 "$dir/password"
        [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir/password"
        as_pg "$bin/initdb" -D "$data" -U postgres --pwfile="$dir/password" \
            --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    fi
    # Reuse the previous port when it is still free so an old env file stays valid.
    if [[ ! -f $dir/port ]] || ! port_free "$(cat "$dir/port")"; then
        free_port >"$dir/port"
    fi
    local port
    port=$(cat "$dir/port")
    # Test-only durability settings: a crash loses nothing we care about, and fsync dominates test time.
    # max_connections is raised because test classes run in parallel, each with its own database and pool.
    if ! as_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 -s \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start; then
        cat "$log" >&2 || true
        die "pg_ctl start failed"
    fi
    write_env
}

stop() {
    [[ -f $data/PG_VERSION ]] || return 0
    bin=$(find_bin)
    [[ -n $bin ]] || return 0
    if running; then
        as_pg "$bin/pg_ctl" -D "$data" -w -t 60 -s -m fast stop >/dev/null
    fi
}

case $cmd in
    start) start ;;
    stop) stop ;;
    status) bin=$(find_bin); [[ -n $bin ]] && running ;;
    *) usage ;;
esac
