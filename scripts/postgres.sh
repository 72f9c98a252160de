#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test run: its own cluster in a temporary folder, listening on
# loopback only, stopped and deleted when the run ends. Sourced by ./test.sh.

skyhook_postgres_start() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -z "$bin" ]; then
    echo "skyhook: PostgreSQL is not installed (apt-get install postgresql)" >&2
    return 1
  fi
  SKYHOOK_PG_DIR="$(mktemp -d /tmp/skyhook-pg.XXXXXX)"
  chown postgres:postgres "$SKYHOOK_PG_DIR"
  # A random port that nothing listens on yet.
  local port
  port="$(shuf -i 20000-59999 -n 1)"
  while ss -Hltn "sport = :$port" | grep -q .; do port="$(shuf -i 20000-59999 -n 1)"; done
  runuser -u postgres -- "$bin/initdb" -D "$SKYHOOK_PG_DIR/data" --auth=trust --username=postgres -E UTF8 >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$SKYHOOK_PG_DIR/data" -l "$SKYHOOK_PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $SKYHOOK_PG_DIR -c fsync=off" start >/dev/null
  SKYHOOK_PG_BIN="$bin"
  export SKYHOOK_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  echo "==> PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throwaway)"
}

skyhook_postgres_stop() {
  [ -n "${SKYHOOK_PG_DIR:-}" ] || return 0
  runuser -u postgres -- "$SKYHOOK_PG_BIN/pg_ctl" -D "$SKYHOOK_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$SKYHOOK_PG_DIR"
}
