# shellcheck shell=bash
# Our own PostgreSQL 15 cluster in var/postgres, run as user postgres on 127.0.0.1:55432.

PG_VERSION=15
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
PG_DATA="$VAR/postgres"
PG_SOCKET_DIR="$RUN/postgres"
PG_LOG="$LOG/postgres.log"

pg_as_postgres() { (cd / && runuser -u postgres -- "$@"); }

# psql as the superuser, over the unix socket (trust).
pg_psql() {
  pg_as_postgres "$PG_BIN/psql" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres \
    -X -q -v ON_ERROR_STOP=1 "$@"
}

pg_running() { pid_alive "$PG_DATA/postmaster.pid" postgres; }

pg_start() {
  [[ -x $PG_BIN/initdb ]] || die "PostgreSQL $PG_VERSION binaries not found in $PG_BIN"
  mkdir -p "$PG_SOCKET_DIR"
  chown postgres:postgres "$PG_SOCKET_DIR"
  ensure_traversable postgres "$PG_SOCKET_DIR"
  if [[ ! -s $PG_DATA/PG_VERSION ]]; then
    mkdir -p "$PG_DATA"
    chown postgres:postgres "$PG_DATA"
    chmod 700 "$PG_DATA"
    step postgres "initdb var/postgres"
    pg_as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$LOG/postgres-initdb.log" 2>&1 ||
      { tail_log "$LOG/postgres-initdb.log"; die "initdb failed"; }
    rm -f "$STATE"/migrated-* # a new cluster has no schema yet
  fi
  # Our settings, rewritten on every start; postgresql.conf includes them.
  cat >"$PG_DATA/vitrine.conf" <<EOF
# Written by bin/vitrine up. Local development cluster.
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 200
timezone = 'UTC'
log_timezone = 'UTC'
synchronous_commit = off
EOF
  chown postgres:postgres "$PG_DATA/vitrine.conf"
  grep -q "^include_if_exists = 'vitrine.conf'" "$PG_DATA/postgresql.conf" ||
    printf "\ninclude_if_exists = 'vitrine.conf'\n" >>"$PG_DATA/postgresql.conf"

  local pid
  if pid=$(pg_running); then
    step postgres "already running (pid $pid)"
  else
    touch "$PG_LOG"
    chown postgres:postgres "$PG_LOG"
    if ! pg_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start </dev/null >/dev/null; then
      tail_log "$PG_LOG"
      die "PostgreSQL did not start"
    fi
    step postgres "started (pid $(pg_running), 127.0.0.1:$PG_PORT)"
  fi
  pg_bootstrap
}

# Roles and databases from docs/conventions.md, plus vitrine_test for shared/'s own tests.
pg_bootstrap() {
  local names=("${SERVICES[@]}" vitrine_test) sql='' n db
  for n in "${names[@]}"; do
    if [[ $n == vitrine_test ]]; then db=vitrine_test; else db="vitrine_$n"; fi
    sql+="
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$n') THEN
    CREATE ROLE \"$n\" LOGIN CREATEDB PASSWORD '$n';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE \"$db\" OWNER \"$n\"'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db') \\gexec
"
  done
  pg_psql <<<"$sql" || die "creating PostgreSQL roles and databases failed"
  step postgres "roles and databases ready (${SERVICES[*]}, vitrine_test)"
}

pg_stop() {
  local pid
  if pid=$(pg_running); then
    pg_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    step postgres "stopped (pid $pid)"
  fi
}

pg_status() {
  local pid
  if pid=$(pg_running); then echo "running (pid $pid) 127.0.0.1:$PG_PORT"; else echo stopped; fi
}
