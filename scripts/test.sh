#!/usr/bin/env bash
# Runs the suite on SQLite, then on PostgreSQL when one answers at $GONGZHI_TEST_PG
# (default postgres://postgres@127.0.0.1:5432/gongzhi). Prints which legs ran.
set -u
BIN=.venv/bin
PG_URL=${GONGZHI_TEST_PG:-postgres://postgres@127.0.0.1:5432/gongzhi}
legs=()
status=0

echo "== leg: sqlite"
env -u DATABASE_URL $BIN/python -m pytest -q "$@"
rc=$?
[ $rc -eq 0 ] || status=$rc
legs+=("sqlite: $([ $rc -eq 0 ] && echo passed || echo FAILED)")

if $BIN/python - "$PG_URL" <<'PY' 2>/dev/null
import sys, psycopg, dj_database_url
cfg = dj_database_url.parse(sys.argv[1])
psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], dbname="postgres", connect_timeout=3).close()
PY
then
  echo "== leg: postgresql ($PG_URL)"
  # Browser stories are about pages, not the database: run them once, on SQLite.
  # A test database of this run's own (dropped at the end), never one another run is using.
  DATABASE_URL=$PG_URL GONGZHI_SKIP_E2E=1 GONGZHI_TEST_DB_NAME="test_gongzhi_$$" $BIN/python -m pytest -q "$@"
  rc=$?
  [ $rc -eq 0 ] || status=$rc
  legs+=("postgresql: $([ $rc -eq 0 ] && echo passed || echo FAILED)")
else
  legs+=("postgresql: skipped (no server at $PG_URL)")
fi
echo "== legs run"
for l in "${legs[@]}"; do echo "  $l"; done
exit $status
