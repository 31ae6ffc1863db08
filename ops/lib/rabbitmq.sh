# shellcheck shell=bash
# Our own RabbitMQ node, vitrine@localhost: AMQP 127.0.0.1:5672, management 127.0.0.1:15672.
# Needs ops/lib/rabbitmq-env.sh.

RMQ_PID_FILE="$RMQ_DIR/vitrine.pid"
EPMD_PID_FILE="$RUN/epmd.pid"

rmq_ctl() { rmq_run "$RMQ_LIBEXEC/rabbitmqctl" "$@"; }
rmq_running() { pid_alive "$RMQ_PID_FILE" rabbit; }

rmq_write_config() {
  mkdir -p "$RMQ_DIR/mnesia" "$RMQ_DIR/conf.d" "$LOG/rabbitmq"
  if [[ ! -s $RMQ_DIR/.erlang.cookie ]]; then
    (umask 077 && openssl rand -hex 20 | tr 'a-f' 'A-F' >"$RMQ_DIR/.erlang.cookie")
  fi
  chmod 400 "$RMQ_DIR/.erlang.cookie"
  cat >"$RMQ_DIR/rabbitmq.conf" <<'EOF'
# Written by bin/vitrine up. Local development node vitrine@localhost.
listeners.tcp.default = 127.0.0.1:5672
management.tcp.ip = 127.0.0.1
management.tcp.port = 15672
# First boot of an empty node creates this user instead of guest.
default_user = vitrine
default_pass = vitrine
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
log.file.level = info
log.console = false
EOF
  printf '[rabbitmq_management].\n' >"$RMQ_DIR/enabled_plugins"
  printf '# Written by bin/vitrine up: the node is configured by environment (ops/lib/rabbitmq-env.sh).\n' \
    >"$RMQ_DIR/rabbitmq-env.conf"
  chown -R rabbitmq:rabbitmq "$RMQ_DIR" "$LOG/rabbitmq"
}

rmq_start() {
  rmq_write_config
  ensure_traversable rabbitmq "$RMQ_DIR"
  local pid
  if ! port_open 4369; then
    # No epmd yet: start one of our own on loopback, so that down can stop exactly it.
    start_daemon "$EPMD_PID_FILE" "$LOG/epmd.log" \
      setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups epmd -address 127.0.0.1 -port 4369
    wait_for 10 port_open 4369 || { tail_log "$LOG/epmd.log"; die "epmd did not start"; }
    step epmd "started (pid $(cat "$EPMD_PID_FILE"), 127.0.0.1:4369)"
  fi
  if pid=$(rmq_running); then
    step rabbitmq "already running (pid $pid)"
  else
    rm -f "$RMQ_PID_FILE"
    rmq_run "$RMQ_LIBEXEC/rabbitmq-server" -detached </dev/null >>"$LOG/rabbitmq/startup.log" 2>&1 ||
      { tail_log "$LOG/rabbitmq/startup.log"; die "rabbitmq-server -detached failed"; }
    if ! wait_for 30 test -s "$RMQ_PID_FILE" ||
      ! rmq_ctl await_startup --timeout 90 >>"$LOG/rabbitmq/startup.log" 2>&1; then
      tail_log "$LOG/rabbitmq/$RMQ_NODENAME.log"
      die "RabbitMQ did not start (node $RMQ_NODENAME)"
    fi
    step rabbitmq "started (pid $(rmq_running), 127.0.0.1:5672, management 127.0.0.1:15672)"
  fi
  rmq_bootstrap
}

# User vitrine/vitrine, administrator, all permissions on '/'. The management API answers
# quickly, so an already configured node costs one HTTP call.
rmq_bootstrap() {
  if wait_for 30 port_open 15672 &&
    curl -fsS -u vitrine:vitrine http://127.0.0.1:15672/api/permissions/%2F/vitrine 2>/dev/null |
    grep -q '"configure":".\*"' &&
    curl -fsS -u vitrine:vitrine http://127.0.0.1:15672/api/whoami 2>/dev/null | grep -q administrator; then
    step rabbitmq "user vitrine ready"
    return 0
  fi
  rmq_ctl list_users --silent 2>/dev/null | grep -q '^vitrine\b' ||
    rmq_ctl add_user vitrine vitrine >/dev/null
  rmq_ctl change_password vitrine vitrine >/dev/null
  rmq_ctl set_user_tags vitrine administrator >/dev/null
  rmq_ctl set_permissions -p / vitrine '.*' '.*' '.*' >/dev/null
  step rabbitmq "user vitrine configured (administrator, all permissions on /)"
}

rmq_stop() {
  local pid
  if pid=$(rmq_running); then
    rmq_ctl stop "$RMQ_PID_FILE" >/dev/null 2>&1 || stop_pid rabbitmq "$RMQ_PID_FILE" rabbit 30
    step rabbitmq "stopped (pid $pid)"
  fi
  # epmd only if we started it (its PID file exists only then).
  [[ -f $EPMD_PID_FILE ]] && stop_pid epmd "$EPMD_PID_FILE" epmd 5
  return 0
}

rmq_status() {
  local pid
  if pid=$(rmq_running); then
    if port_open 5672; then echo "running (pid $pid) node $RMQ_NODENAME, 127.0.0.1:5672"
    else echo "running (pid $pid), AMQP listener down (app stopped?)"; fi
  else
    echo stopped
  fi
}
