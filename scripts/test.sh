#!/usr/bin/env bash
# The test command: installs what the tests need, starts a throw-away PostgreSQL, runs pytest.
# Run it inside a virtual environment (README: "Run the tests").
# PostgreSQL and Chromium come from Debian's packages when missing and we are root; without
# them the PostgreSQL and browser tests skip cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e '.[test]'

apt_ok() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
if apt_ok; then
  need=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v chromium >/dev/null || need+=(chromium)
  if [ ${#need[@]} -gt 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
      || echo "warning: could not install ${need[*]}; those tests will skip"
  fi
fi

# A private PostgreSQL cluster on a spare port, removed when the tests end.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "${RASD_TEST_POSTGRES:-}" ] && [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ]; then
  PGDIR=$(mktemp -d /tmp/rasd-pg.XXXXXX)
  PGPORT=${RASD_TEST_PGPORT:-55432}
  as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
  [ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
  if as_pg "'$PGBIN/initdb' -D '$PGDIR/data' -A trust -U postgres >/dev/null" \
     && as_pg "'$PGBIN/pg_ctl' -D '$PGDIR/data' -o '-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off' -l '$PGDIR/log' -w start >/dev/null"; then
    export RASD_TEST_POSTGRES="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
    trap "as_pg \"'$PGBIN/pg_ctl' -D '$PGDIR/data' -m immediate stop >/dev/null\" || true; rm -rf '$PGDIR'" EXIT
  else
    echo "warning: could not start PostgreSQL; PostgreSQL tests will skip"
  fi
fi
command -v chromium >/dev/null && export RASD_CHROMIUM="${RASD_CHROMIUM:-$(command -v chromium)}"

set +e
pytest -q "$@"
rc=$?
set -e
# pytest's "no tests collected" (5) is a failure for CI too
exit $rc
