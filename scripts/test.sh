#!/usr/bin/env bash
# Runs the suite on SQLite, then on PostgreSQL when one answers at $GONGZHI_TEST_PG
# (default postgres://postgres@127.0.0.1:5432/gongzhi). Prints which legs ran and how long each
# took. Tests run in parallel worker processes (pytest-xdist), one per CPU unless
# GONGZHI_TEST_WORKERS says otherwise (0: in this process). With CI=true a PostgreSQL leg that
# cannot run fails the run: production is PostgreSQL, and a silently skipped leg proves nothing.
# GONGZHI_TEST_LEGS picks the legs (default "sqlite postgresql").
set -u
BIN=.venv/bin
PG_URL=${GONGZHI_TEST_PG:-postgres://postgres@127.0.0.1:5432/gongzhi}
WORKERS=${GONGZHI_TEST_WORKERS:-auto}
LEGS=" ${GONGZHI_TEST_LEGS:-sqlite postgresql} "
legs=()
status=0

leg() {  # leg NAME COMMAND…: runs one leg, records its result and time
  local name=$1 start=$SECONDS rc
  shift
  "$@"
  rc=$?
  [ $rc -eq 0 ] || status=$rc
  legs+=("$name: $([ $rc -eq 0 ] && echo passed || echo FAILED) in $((SECONDS - start)) s")
}

if [[ $LEGS == *" sqlite "* ]]; then
  echo "== leg: sqlite"
  leg sqlite env -u DATABASE_URL $BIN/python -m pytest -q -n "$WORKERS" --dist worksteal "$@"
fi

if [[ $LEGS != *" postgresql "* ]]; then
  legs+=("postgresql: not asked for (GONGZHI_TEST_LEGS)")
elif $BIN/python - "$PG_URL" <<'PY' 2>/tmp/gongzhi-pg-check.$$
import sys, psycopg, dj_database_url
cfg = dj_database_url.parse(sys.argv[1])
psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], dbname="postgres", connect_timeout=3).close()
PY
then
  echo "== leg: postgresql ($PG_URL)"
  # Browser stories are about pages, not the database: run them once, on SQLite.
  # A test database of this run's own (dropped at the end; each worker adds its suffix), never
  # one another run is using.
  leg postgresql env DATABASE_URL=$PG_URL GONGZHI_SKIP_E2E=1 GONGZHI_TEST_DB_NAME="test_gongzhi_$$" \
    $BIN/python -m pytest -q -n "$WORKERS" --dist worksteal "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "== leg: postgresql FAILED: no server answers at $PG_URL, and CI=true requires one:" >&2
  tail -n 1 /tmp/gongzhi-pg-check.$$ >&2
  legs+=("postgresql: FAILED (no server at $PG_URL; required with CI=true)")
  status=1
else
  legs+=("postgresql: skipped (no server at $PG_URL)")
fi
rm -f /tmp/gongzhi-pg-check.$$
echo "== legs run"
for l in "${legs[@]}"; do echo "  $l"; done
exit $status
