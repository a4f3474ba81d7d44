#!/usr/bin/env bash
# Requests per second of the Q2 and Q3 reads with 1 or 2 instances, with or without the read
# replica (and through PgBouncer), on one machine: the figures of README "Running at scale".
#
#   scripts/scale-bench.sh [BINARY]      (default target/release/skillgraph)
#
# Needs wrk (apt-get install wrk), PostgreSQL on 5432, scripts/replica.sh's standby on 5433 and
# scripts/pgbouncer.sh's PgBouncer on 6432. Creates the database `skillgraph_scale` (catalog
# and 500 synthetic postings) when missing. Environment: DURATION (10s), CONNECTIONS (16, split
# over the instances), DB (skillgraph_scale).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/skillgraph}
DURATION=${DURATION:-10s}
CONNS=${CONNECTIONS:-16}
DB=${DB:-skillgraph_scale}
PRIMARY=${PRIMARY_URL:-postgres://postgres@127.0.0.1:5432/$DB}
REPLICA=${REPLICA_URL:-postgres://postgres@127.0.0.1:5433/$DB}
POOLED=${POOLED_URL:-postgres://postgres@127.0.0.1:6432/$DB}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk missing (apt-get install wrk)" >&2; exit 1; }
scripts/replica.sh
scripts/pgbouncer.sh
if [ "$(psql -w -h 127.0.0.1 -U postgres -Atc "select count(*) from pg_database where datname = '$DB'")" = 0 ]; then
    psql -w -h 127.0.0.1 -U postgres -qc "create database $DB"
    "$BIN" --database-url "$PRIMARY" seed >/dev/null
    "$BIN" --database-url "$PRIMARY" demo-postings >/dev/null
fi
# The replica has replayed the database.
for _ in $(seq 1 60); do
    [ "$(psql -w -h 127.0.0.1 -p 5433 -U postgres -d "$DB" -Atc 'select version from graph_version where id = 2' 2>/dev/null)" = \
        "$(psql -w -h 127.0.0.1 -U postgres -d "$DB" -Atc 'select version from graph_version where id = 2')" ] && break
    sleep 1
done

SLUGS=$(psql -w -h 127.0.0.1 -U postgres -d "$DB" -Atc "select string_agg('\"' || slug || '\"', ',') from role")
cat >"$WORK/q2.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":"{ skills(first: 20) { nodes { name description } } }"}'
EOF
cat >"$WORK/q3.lua" <<EOF
local slugs = { $SLUGS }
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #slugs + 1
  return wrk.format(nil, nil, nil,
    '{"query":"query Role(\$slug: String!) { role(by: { slug: \$slug }) { name } }","variables":{"slug":"' .. slugs[i] .. '"}}')
end
EOF

# start N EXTRA-ARGS...: N instances on ports 18181.. with the given serve flags.
start() {
    local n=$1
    shift
    for k in $(seq 1 "$n"); do
        RUST_LOG=warn "$BIN" "${GLOBAL[@]}" serve --bind "127.0.0.1:$((18180 + k))" "$@" \
            >"$WORK/server-$k.log" 2>&1 &
        PIDS+=($!)
    done
    for k in $(seq 1 "$n"); do
        for _ in $(seq 1 100); do
            curl -sf "http://127.0.0.1:$((18180 + k))/readyz" >/dev/null && break
            sleep 0.2
        done
    done
}
stop() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
}
# load N QUERY: wrk on each of the N instances at once (CONNS split), total requests/s.
load() {
    local n=$1 q=$2 per=$((CONNS / $1)) loads=()
    for k in $(seq 1 "$n"); do
        wrk -t1 -c"$per" -d"$DURATION" -s "$WORK/$q.lua" "http://127.0.0.1:$((18180 + k))/graphql" \
            >"$WORK/wrk-$k.txt" 2>&1 &
        loads+=($!)
    done
    wait "${loads[@]}"
    local total=0
    for k in $(seq 1 "$n"); do
        if grep -q Non-2xx "$WORK/wrk-$k.txt"; then
            echo "errors from instance $k:" >&2
            cat "$WORK/wrk-$k.txt" >&2
        fi
        total=$(awk -v t="$total" '/Requests\/sec/ {printf "%.1f", t + $2}' "$WORK/wrk-$k.txt")
    done
    echo "$total"
}

run() {
    local label=$1 n=$2
    shift 2
    start "$n" "$@"
    load "$n" q2 >/dev/null # warm-up (caches, pools)
    local q2 q3
    q2=$(load "$n" q2)
    q3=$(load "$n" q3)
    stop
    printf '| %s | %s | %s | %s |\n' "$label" "$n" "$q2" "$q3"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; binary $BIN; $CONNS connections, $DURATION per figure"
echo "| setup | instances | Q2 req/s | Q3 req/s |"
echo "|---|---|---|---|"
GLOBAL=(--database-url "$PRIMARY")
run "primary only" 1
run "primary only" 2
run "primary + replica" 1 --read-database-url "$REPLICA"
run "primary + replica" 2 --read-database-url "$REPLICA"
GLOBAL=(--database-url "$POOLED" --pg-pooler transaction)
run "through PgBouncer (transaction mode)" 2 --listen-database-url "$PRIMARY"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
