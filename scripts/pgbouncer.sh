#!/usr/bin/env bash
# PgBouncer in transaction mode in front of the local PostgreSQL, for the pooler tests and the
# benchmarks (Debian package `pgbouncer`, 1.18 here).
#
# Idempotent: when PgBouncer already answers on the port in transaction mode it does nothing;
# otherwise it writes a configuration into a directory of its own and starts it as a daemon.
# Every database name is forwarded (`* =`), so per-test databases work without configuration.
# Exits non-zero, loudly, when it cannot.
#
# Environment: PGBOUNCER_PORT (6432), PRIMARY_PORT (5432), PGBOUNCER_DIR
# (/tmp/skillgraph-pgbouncer), PGBOUNCER_POOL_SIZE (server connections per database, 20).
# `scripts/pgbouncer.sh stop` stops the one this script started.
set -euo pipefail

PORT=${PGBOUNCER_PORT:-6432}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
DIR=${PGBOUNCER_DIR:-/tmp/skillgraph-pgbouncer}
POOL=${PGBOUNCER_POOL_SIZE:-20}
HOST=127.0.0.1

say() { echo "pgbouncer.sh: $*" >&2; }
die() {
    say "FAILED: $*"
    exit 1
}

if [ "${1:-}" = stop ]; then
    if [ -f "$DIR/pgbouncer.pid" ]; then
        kill "$(cat "$DIR/pgbouncer.pid")" && say "stopped"
    fi
    exit 0
fi

command -v pgbouncer >/dev/null || die "pgbouncer is not installed (apt-get install -y pgbouncer)"
pg_isready -q -h "$HOST" -p "$PRIMARY_PORT" || die "no PostgreSQL on $HOST:$PRIMARY_PORT"

mode() { psql -w -h "$HOST" -p "$PORT" -U postgres -d pgbouncer -Atc 'SHOW CONFIG' 2>/dev/null |
    awk -F'|' '$1 == "pool_mode" {print $2}'; }

if pg_isready -q -h "$HOST" -p "$PORT"; then
    [ "$(mode)" = transaction ] || die "port $PORT answers but is not PgBouncer in transaction mode"
    say "PgBouncer already runs on port $PORT in transaction mode"
    exit 0
fi

mkdir -p "$DIR"
cat >"$DIR/pgbouncer.ini" <<EOF
[databases]
* = host=$HOST port=$PRIMARY_PORT

[pgbouncer]
listen_addr = $HOST
listen_port = $PORT
unix_socket_dir =
pool_mode = transaction
auth_type = trust
auth_file = $DIR/userlist.txt
admin_users = postgres
max_client_conn = 1000
default_pool_size = $POOL
; sqlx sends it at start-up; PgBouncer 1.18 refuses unknown start-up parameters.
ignore_startup_parameters = extra_float_digits
logfile = $DIR/pgbouncer.log
pidfile = $DIR/pgbouncer.pid
EOF
echo '"postgres" ""' >"$DIR/userlist.txt"
# PgBouncer refuses to run as root.
if [ "$(id -u)" = 0 ]; then
    chown -R postgres "$DIR"
    pgbouncer -d -u postgres "$DIR/pgbouncer.ini" || die "pgbouncer did not start (see $DIR/pgbouncer.log)"
else
    pgbouncer -d "$DIR/pgbouncer.ini" || die "pgbouncer did not start (see $DIR/pgbouncer.log)"
fi
for _ in $(seq 1 20); do
    if [ "$(mode)" = transaction ]; then
        say "PgBouncer runs on port $PORT in transaction mode (config in $DIR)"
        exit 0
    fi
    sleep 0.5
done
die "PgBouncer does not answer on port $PORT (see $DIR/pgbouncer.log)"
