# shellcheck shell=bash
# The environment that makes RabbitMQ's scripts (rabbitmq-server, rabbitmqctl, rabbitmq-plugins,
# rabbitmq-diagnostics) address our own node, vitrine@localhost, whose files all live under
# var/rabbitmq. Sourced by bin/vitrine and ops/rabbitmqctl. Expects ROOT.

RMQ_DIR="$ROOT/var/rabbitmq"
RMQ_NODENAME="vitrine@localhost"
RMQ_LIBEXEC=/usr/lib/rabbitmq/bin # the real scripts; /usr/sbin/* wrappers 'su rabbitmq' and lose the env
RMQ_USER=rabbitmq

# The whole environment, passed with 'env -i' so nothing from the caller leaks in.
# HOME holds the Erlang cookie (var/rabbitmq/.erlang.cookie), shared by the node and rabbitmqctl.
RMQ_ENV=(
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  "LANG=C.UTF-8"
  "LC_ALL=C.UTF-8"
  "HOME=$RMQ_DIR"
  "RABBITMQ_NODENAME=$RMQ_NODENAME"
  "RABBITMQ_USE_LONGNAME=false"
  "RABBITMQ_CONF_ENV_FILE=$RMQ_DIR/rabbitmq-env.conf"
  "RABBITMQ_CONFIG_FILE=$RMQ_DIR/rabbitmq.conf"
  "RABBITMQ_CONFIG_FILES=$RMQ_DIR/conf.d"
  "RABBITMQ_ADVANCED_CONFIG_FILE=$RMQ_DIR/advanced.config"
  "RABBITMQ_ENABLED_PLUGINS_FILE=$RMQ_DIR/enabled_plugins"
  "RABBITMQ_MNESIA_BASE=$RMQ_DIR/mnesia"
  "RABBITMQ_LOG_BASE=$ROOT/var/log/rabbitmq"
  "RABBITMQ_PID_FILE=$RMQ_DIR/vitrine.pid"
  "RABBITMQ_DIST_PORT=25672"
  # Erlang distribution (node <-> rabbitmqctl) on loopback only; epmd too if rabbit starts it.
  "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
  "ERL_EPMD_ADDRESS=127.0.0.1"
)

# rmq_run <cmd...>: run a RabbitMQ script as the rabbitmq user with our environment.
rmq_run() (
  local -a cmd=(env -i "${RMQ_ENV[@]}" "$@")
  if [[ $(id -u) == 0 ]]; then
    # Keep the caller's directory when rabbitmq can enter it (relative file arguments work),
    # otherwise run from var/rabbitmq.
    if ! runuser -u "$RMQ_USER" -- test -x "$PWD" 2>/dev/null; then cd "$RMQ_DIR" || return 1; fi
    runuser -u "$RMQ_USER" -- "${cmd[@]}"
  elif [[ $(id -un) == "$RMQ_USER" ]]; then
    "${cmd[@]}"
  else
    echo "run this as root (or as the rabbitmq user)" >&2
    return 1
  fi
)
