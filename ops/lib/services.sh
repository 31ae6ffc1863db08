# shellcheck shell=bash
# The project's own services: migrations, api + worker processes, seeds, readiness.

svc_present() { [[ -f $ROOT/services/$1/$1/__init__.py ]]; }
svc_has_api() { [[ -f $ROOT/services/$1/$1/entrypoints/http.py ]]; }
svc_has_worker() { [[ -f $ROOT/services/$1/$1/entrypoints/worker.py ]]; }
svc_has_cli() { [[ -f $ROOT/services/$1/$1/entrypoints/cli.py ]]; }
svc_pidfile() { printf '%s/%s-%s.pid' "$RUN" "$1" "$2"; }
svc_pattern() { if [[ $2 == api ]]; then printf '%s.entrypoints.http' "$1"; else printf '%s.entrypoints.worker' "$1"; fi; }
svc_running() { pid_alive "$(svc_pidfile "$1" "$2")" "$(svc_pattern "$1" "$2")"; }

# Hash of what a running process has loaded: the service's code and the shared library's (tests
# excluded). A process started from other code is restarted by up.
svc_fingerprint() {
  local dirs=("$ROOT/services/$1")
  [[ -d $ROOT/shared ]] && dirs+=("$ROOT/shared")
  find "${dirs[@]}" \( -name tests -o -name __pycache__ -o -name '*.egg-info' -o -name node_modules \) -prune -o \
    -type f \( -name '*.py' -o -name '*.toml' -o -name '*.ini' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -print0 |
    sort -z | xargs -0 -r sha256sum | sed "s|$ROOT/||" | sha256sum | cut -d' ' -f1
}

# Environment of every service process (api, worker, migrations, seed); not of the tests.
SVC_ENV=(VITRINE_ENVIRONMENT=development PYTHONUNBUFFERED=1)
svc_env() { export "${SVC_ENV[@]}"; }

svc_migrate() {
  local name=$1 ini="$ROOT/services/$1/alembic.ini" stamp want
  [[ -f $ini ]] || return 0
  want=$(find "$ROOT/services/$name/migrations" "$ini" -type f -name '*.py' -o -type f -name '*.ini' 2>/dev/null |
    sort | xargs -r sha256sum | sed "s|$ROOT/||" | sha256sum | cut -d' ' -f1)
  stamp="$STATE/migrated-$name"
  # Skipped while the migrations are unchanged since the last upgrade on this cluster
  # (VITRINE_MIGRATE=always runs alembic anyway).
  if [[ -f $stamp && "$(cat "$stamp")" == "$want" && ${VITRINE_MIGRATE:-} != always ]]; then
    step "$name" "migrations up to date"
    return 0
  fi
  if ! (cd "$ROOT" && svc_env && "$VENV/bin/alembic" -c "services/$name/alembic.ini" upgrade head) \
    >"$LOG/$name-migrate.log" 2>&1; then
    tail_log "$LOG/$name-migrate.log"
    die "$name: alembic upgrade head failed (var/log/$name-migrate.log)"
  fi
  printf '%s\n' "$want" >"$stamp"
  step "$name" "migrated (alembic upgrade head)"
}

# svc_start_process <name> <api|worker> <fingerprint>
svc_start_process() {
  local name=$1 kind=$2 fp=$3 pidfile pid log
  pidfile=$(svc_pidfile "$name" "$kind")
  log="$LOG/$name-$kind.log"
  if pid=$(svc_running "$name" "$kind"); then
    if [[ "$(cat "$pidfile.code" 2>/dev/null)" == "$fp" ]]; then
      step "$name" "$kind already running (pid $pid)"
      return 1
    fi
    step "$name" "$kind: code changed since it started, restarting"
    stop_pid "$name-$kind" "$pidfile" "$(svc_pattern "$name" "$kind")" 20
  fi
  printf '\n=== %s start %s ===\n' "$(date -u +%FT%TZ)" "$kind" >>"$log"
  if [[ $kind == api ]]; then
    start_daemon "$pidfile" "$log" env "${SVC_ENV[@]}" "$VENV/bin/uvicorn" --factory "$name.entrypoints.http:create_app" \
      --host 127.0.0.1 --port "${SERVICE_PORT[$name]}"
  else
    start_daemon "$pidfile" "$log" env "${SVC_ENV[@]}" "$VENV/bin/python" -m "$name.entrypoints.worker"
  fi
  printf '%s\n' "$fp" >"$pidfile.code"
  step "$name" "$kind started (pid $(cat "$pidfile"), log var/log/$name-$kind.log)"
  return 0
}

SVC_STARTED=()

svc_start_all() {
  local name fp started
  for name in "${RUN_SERVICES[@]}"; do
    if ! svc_present "$name"; then
      step "$name" "not built yet (no services/$name/$name/), skipped"
      continue
    fi
    svc_migrate "$name"
    fp=$(svc_fingerprint "$name")
    started=0
    if svc_has_api "$name"; then svc_start_process "$name" api "$fp" && started=1; fi
    if svc_has_worker "$name"; then svc_start_process "$name" worker "$fp" && started=1; fi
    ((started)) && SVC_STARTED+=("$name")
  done
  return 0
}

svc_readyz() { curl -fsS -o /dev/null -m 5 "$EDGE_URL/api/$1/readyz" 2>/dev/null; }

svc_wait_ready() {
  local timeout=${VITRINE_READY_TIMEOUT:-120} deadline name pending kind
  deadline=$((SECONDS + timeout))
  for name in "${RUN_SERVICES[@]}"; do
    svc_present "$name" && svc_has_api "$name" || continue
    until svc_readyz "$name"; do
      pending=""
      for kind in api worker; do
        if [[ -f $(svc_pidfile "$name" "$kind") ]] && ! svc_running "$name" "$kind" >/dev/null; then
          pending="$kind exited"
        fi
      done
      if [[ -n $pending || $SECONDS -ge $deadline ]]; then
        printf '%serror: %s is not ready (%s): GET %s/api/%s/readyz -> %s%s\n' "$_R" "$name" \
          "${pending:-timed out after ${timeout}s}" "$EDGE_URL" "$name" \
          "$(curl -sS -o /dev/null -w '%{http_code}' -m 5 "$EDGE_URL/api/$name/readyz" 2>&1)" "$_N" >&2
        tail_log "$LOG/$name-api.log" 30
        [[ -f $LOG/$name-worker.log ]] && tail_log "$LOG/$name-worker.log" 15
        exit 1
      fi
      sleep 0.5
    done
    step "$name" "ready ($EDGE_URL/api/$name/readyz)"
  done
}

# Seeds are idempotent; run them when a service (re)started or was never seeded.
svc_seed_all() {
  local name stamp want
  for name in "${RUN_SERVICES[@]}"; do
    svc_present "$name" && svc_has_cli "$name" || continue
    stamp="$STATE/seeded-$name"
    want="$(cat "$(svc_pidfile "$name" api)" 2>/dev/null)/$(svc_fingerprint "$name")"
    if [[ -f $stamp && "$(cat "$stamp")" == "$want" && ${VITRINE_SEED:-} != always ]]; then
      step "$name" "seed already applied"
      continue
    fi
    step "$name" "seeding"
    if ! (cd "$ROOT" && svc_env && "$VENV/bin/python" -m "$name.entrypoints.cli" seed) 2>&1 |
      sed 's/^/    /'; then
      die "$name: seed failed"
    fi
    printf '%s\n' "$want" >"$stamp"
  done
}

svc_stop_all() {
  local i name kind
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    name=${SERVICES[$i]}
    for kind in worker api; do
      stop_pid "$name-$kind" "$(svc_pidfile "$name" "$kind")" "$(svc_pattern "$name" "$kind")" 20
      rm -f "$(svc_pidfile "$name" "$kind").code"
    done
  done
}

svc_status_line() {
  local name=$1 kind=$2 pid
  if ! svc_present "$name"; then echo "not built yet"; return; fi
  if pid=$(svc_running "$name" "$kind"); then
    if [[ $kind == api ]]; then
      local code
      code=$(curl -sS -o /dev/null -w '%{http_code}' -m 5 "$EDGE_URL/api/$name/readyz" 2>/dev/null || true)
      echo "running (pid $pid) 127.0.0.1:${SERVICE_PORT[$name]}, readyz ${code:-000}"
    else
      echo "running (pid $pid)"
    fi
  else
    echo stopped
  fi
}
