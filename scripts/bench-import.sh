#!/usr/bin/env bash
# Times `skillgraph import` of full ESCO and O*NET releases on fresh SQLite and PostgreSQL
# databases (first import, then a re-import that must change nothing), with the release build.
# A benchmark, not a test: it needs the data (default: ../shared/data) and, for PostgreSQL,
# a server (SKILLGRAPH_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test).
#
#   scripts/bench-import.sh [ESCO_DIR] [ONET_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
ESCO_DIR="${1:-../shared/data/esco-v1.1.1}"
ONET_DIR="${2:-../shared/data/onet-29.3}"
PG_ADMIN="${SKILLGRAPH_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
BIN=target/release/skillgraph

cargo build --release --quiet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run() { # label url source dir
  local label="$1" url="$2" source="$3" dir="$4" start end
  start=$(date +%s.%N)
  "$BIN" --database-url "$url" import "$source" "$dir" > "$work/out.txt"
  end=$(date +%s.%N)
  # The importer's own line: rows read, written, seconds, rows/s (excludes start-up/migrations).
  printf '%-20s %s  (wall %s s with start-up)\n' "$label" "$(grep -m1 'rows read' "$work/out.txt")" \
    "$(awk "BEGIN { printf \"%.2f\", $end - $start }")"
}

echo "== SQLite"
db="sqlite://$work/bench.db?mode=rwc"
"$BIN" --database-url "$db" seed > /dev/null
run "esco, first import" "$db" esco "$ESCO_DIR"
run "esco, re-import" "$db" esco "$ESCO_DIR"
run "onet, first import" "$db" onet "$ONET_DIR"
run "onet, re-import" "$db" onet "$ONET_DIR"

if psql "$PG_ADMIN" -Atc 'select 1' > /dev/null 2>&1; then
  echo "== PostgreSQL"
  name="sgbench_$$"
  psql "$PG_ADMIN" -qc "drop database if exists $name" -c "create database $name" > /dev/null
  base="${PG_ADMIN%/*}"
  db="$base/$name"
  "$BIN" --database-url "$db" seed > /dev/null
  run "esco, first import" "$db" esco "$ESCO_DIR"
  run "esco, re-import" "$db" esco "$ESCO_DIR"
  run "onet, first import" "$db" onet "$ONET_DIR"
  run "onet, re-import" "$db" onet "$ONET_DIR"
  psql "$PG_ADMIN" -qc "drop database if exists $name with (force)" > /dev/null
else
  echo "== PostgreSQL: no server at $PG_ADMIN, skipped"
fi
