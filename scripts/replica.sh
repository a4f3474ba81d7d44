#!/usr/bin/env bash
# A real streaming replica of the local PostgreSQL for the replica tests and the benchmarks.
#
# Idempotent: when a standby already answers on the replica port it only checks it; when the
# cluster exists but is stopped it starts it; otherwise it makes one: allows replication
# connections from 127.0.0.1 on the primary (pg_hba.conf + reload), creates a Debian cluster
# `15 replica` on port 5433, replaces its data directory with `pg_basebackup -R` of the primary
# and starts it. Exits non-zero, loudly, when it cannot.
#
# Environment: PRIMARY_PORT (5432), REPLICA_PORT (5433), PG_VERSION (15),
# REPLICA_CLUSTER (replica). Run as root or as the postgres user.
set -euo pipefail

PRIMARY_PORT=${PRIMARY_PORT:-5432}
PORT=${REPLICA_PORT:-5433}
VERSION=${PG_VERSION:-15}
NAME=${REPLICA_CLUSTER:-replica}
HOST=127.0.0.1

say() { echo "replica.sh: $*" >&2; }
die() {
    say "FAILED: $*"
    exit 1
}
# Runs a command as the postgres user (pg_basebackup must write files it owns).
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
q() { psql -w -h "$HOST" -p "$1" -U postgres -d postgres -Atqc "$2"; }

in_recovery() { [ "$(q "$PORT" 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ]; }
streaming() { [ "$(q "$PORT" 'SELECT status FROM pg_stat_wal_receiver' 2>/dev/null)" = streaming ]; }

# Waits up to $1 seconds for the standby to stream from the primary.
wait_streaming() {
    for _ in $(seq 1 "$1"); do
        if in_recovery && streaming; then return 0; fi
        sleep 1
    done
    return 1
}

pg_isready -q -h "$HOST" -p "$PRIMARY_PORT" || die "no primary on $HOST:$PRIMARY_PORT"

if pg_isready -q -h "$HOST" -p "$PORT"; then
    if wait_streaming 10; then
        say "standby on port $PORT is streaming from $PRIMARY_PORT"
        exit 0
    fi
    in_recovery || die "port $PORT answers but is not a standby (pg_is_in_recovery() is false)"
    say "standby on port $PORT is not streaming; rebuilding it"
    pg_ctlcluster "$VERSION" "$NAME" stop -m fast 2>/dev/null || die "cannot stop what runs on $PORT"
fi

# Replication connections from localhost (trust, like the rest of this test server).
HBA=$(q "$PRIMARY_PORT" 'SHOW hba_file')
if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$HBA"; then
    say "allowing replication from 127.0.0.1 in $HBA"
    echo 'host replication all 127.0.0.1/32 trust' >>"$HBA"
    q "$PRIMARY_PORT" 'SELECT pg_reload_conf()' >/dev/null
fi

# A stopped cluster that still streams once started is reused.
if pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $NAME"; then
    if pg_ctlcluster "$VERSION" "$NAME" start 2>/dev/null && wait_streaming 15; then
        say "started the existing standby on port $PORT"
        exit 0
    fi
    say "the existing cluster $VERSION/$NAME does not stream; recreating it"
    pg_dropcluster "$VERSION" "$NAME" --stop || die "cannot drop cluster $VERSION/$NAME"
fi

say "creating cluster $VERSION/$NAME on port $PORT"
pg_createcluster "$VERSION" "$NAME" -p "$PORT" >/dev/null || die "pg_createcluster failed"
# A hot standby needs at least the primary's limits.
for s in max_connections max_worker_processes max_wal_senders max_locks_per_transaction \
    max_prepared_transactions; do
    pg_conftool "$VERSION" "$NAME" set "$s" "$(q "$PRIMARY_PORT" "SHOW $s")"
done
# The same client authentication as the primary (trust on this test server).
cp "$HBA" "/etc/postgresql/$VERSION/$NAME/pg_hba.conf" ||
    die "cannot copy pg_hba.conf"
DATA=$(pg_conftool -s "$VERSION" "$NAME" show data_directory)
[ -n "$DATA" ] || die "no data directory for $VERSION/$NAME"
rm -rf "${DATA:?}"/*
say "pg_basebackup -R from $HOST:$PRIMARY_PORT into $DATA"
as_pg pg_basebackup -R -X stream -c fast -h "$HOST" -p "$PRIMARY_PORT" -U postgres -D "$DATA" ||
    die "pg_basebackup failed"
pg_ctlcluster "$VERSION" "$NAME" start || die "the standby does not start (see /var/log/postgresql)"
wait_streaming 30 || die "the standby on port $PORT started but does not stream from $PRIMARY_PORT"
say "standby on port $PORT is streaming from $PRIMARY_PORT"
