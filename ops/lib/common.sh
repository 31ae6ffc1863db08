# shellcheck shell=bash
# Shared by bin/vitrine and the ops/ scripts: paths, output, PID-file process control.
# Sourced, never executed. Expects ROOT to be the repository root.

: "${ROOT:?ROOT must be set before sourcing ops/lib/common.sh}"

VAR="$ROOT/var"
RUN="$VAR/run"
LOG="$VAR/log"
CACHE="$VAR/cache"
STATE="$VAR/state"
VENV="$ROOT/.venv"

# Services, in start order (names, ports: docs/conventions.md).
SERVICES=(catalog checkout consult returns identity)
# The ones 'up' starts: all by default; VITRINE_SERVICES="catalog checkout" (or "") limits them.
if [[ -v VITRINE_SERVICES ]]; then
  read -r -a RUN_SERVICES <<<"$VITRINE_SERVICES"
else
  RUN_SERVICES=("${SERVICES[@]}")
fi
declare -A SERVICE_PORT=([catalog]=8101 [checkout]=8102 [consult]=8103 [returns]=8104 [identity]=8105)

EDGE_URL="http://127.0.0.1:8080"
PG_PORT=55432

# --- output -----------------------------------------------------------------------------------

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  _B=$'\e[1m'; _G=$'\e[32m'; _Y=$'\e[33m'; _R=$'\e[31m'; _D=$'\e[2m'; _N=$'\e[0m'
else
  _B=''; _G=''; _Y=''; _R=''; _D=''; _N=''
fi

# step <component> <message>: one progress line.
step() { printf '%s[%-13s]%s %s\n' "$_B" "$1" "$_N" "$2"; }
warn() { printf '%s[%-13s] %s%s\n' "$_Y" "$1" "$2" "$_N" >&2; }
die()  { printf '%serror: %s%s\n' "$_R" "$*" "$_N" >&2; exit 1; }

# --- processes ----------------------------------------------------------------------------------

# proc_alive <pid>: the process exists and is not a zombie (a stopped daemon stays a zombie until
# its adoptive parent reaps it, and kill -0 still succeeds on it).
proc_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# pid_alive <pidfile> [cmdline-pattern]: print the PID if the file names a live process whose
# command line contains the pattern (guards against a PID reused after a reboot).
pid_alive() {
  local file=$1 pattern=${2:-} pid
  [[ -s $file ]] || return 1
  pid=$(head -n1 "$file" 2>/dev/null | tr -dc '0-9')
  [[ -n $pid ]] || return 1
  proc_alive "$pid" || return 1
  if [[ -n $pattern ]]; then
    tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$pattern" || return 1
  fi
  printf '%s\n' "$pid"
}

# start_daemon <pidfile> <logfile> <cmd...>: start a command in its own session, cwd = ROOT,
# stdin from /dev/null, output appended to the log; records its PID.
start_daemon() {
  local pidfile=$1 logfile=$2
  shift 2
  (
    cd "$ROOT" || exit 1
    exec setsid "$@" >>"$logfile" 2>&1 </dev/null
  ) &
  printf '%s\n' "$!" >"$pidfile"
}

# stop_pid <name> <pidfile> [pattern] [timeout-seconds]: SIGTERM the process (its process group
# when it leads one), SIGKILL after the timeout, remove the PID file.
stop_pid() {
  local name=$1 file=$2 pattern=${3:-} timeout=${4:-20} pid target i
  if ! pid=$(pid_alive "$file" "$pattern"); then
    rm -f "$file"
    return 0
  fi
  target=$pid
  # Field 5 of /proc/PID/stat (after the parenthesised command name) is the process group.
  if [[ "$(sed -n 's/^[0-9]* (.*) [A-Za-z] [0-9]* \([0-9]*\) .*/\1/p' "/proc/$pid/stat" 2>/dev/null)" == "$pid" ]]; then
    target="-$pid"
  fi
  kill -TERM -- "$target" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    proc_alive "$pid" || break
    sleep 0.1
  done
  if proc_alive "$pid"; then
    warn "$name" "did not stop in ${timeout}s, sending SIGKILL to $pid"
    kill -KILL -- "$target" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$file"
  step "$name" "stopped (pid $pid)"
}

# wait_for <seconds> <cmd...>: retry the command every 0.5 s until it succeeds.
wait_for() {
  local timeout=$1 deadline
  shift
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# port_open <port>: something listens on 127.0.0.1:<port>.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# need_root: the local run creates system users and runs daemons as other users.
need_root() {
  [[ $(id -u) == 0 ]] || die "bin/vitrine $1 needs root (it installs packages and runs PostgreSQL, RabbitMQ and Elasticsearch as their own users)"
}

# ensure_traversable <user> <path>: every ancestor of <path> must be searchable by <user>.
ensure_traversable() {
  local user=$1 dir=$2 chain=() i
  while [[ $dir != / ]]; do
    chain+=("$dir")
    dir=$(dirname "$dir")
  done
  for ((i = ${#chain[@]} - 1; i >= 0; i--)); do # from the top down
    if ! runuser -u "$user" -- test -x "${chain[$i]}" 2>/dev/null; then
      chmod o+x "${chain[$i]}"
      step setup "made ${chain[$i]} traversable (o+x) for $user"
    fi
  done
}

# tail_log <file> [lines]: indented tail for error messages.
tail_log() {
  local file=$1 n=${2:-25}
  if [[ -s $file ]]; then
    printf '  --- last %s lines of %s ---\n' "$n" "${file#"$ROOT"/}" >&2
    tail -n "$n" "$file" | sed 's/^/  | /' >&2
  else
    printf '  (%s is empty or missing)\n' "${file#"$ROOT"/}" >&2
  fi
}
