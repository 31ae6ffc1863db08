# shellcheck shell=bash
# The ports of the local run are fixed (docs/conventions.md), so only one checkout's stack can run
# on a machine at a time. When another checkout's stack holds them (say the developer's while CI
# runs a fresh clone, or the other way round), up stops that stack with the other checkout's own
# 'bin/vitrine down', or, when that checkout is gone, stops the stray process by its PID. A port
# held by anything that is not a Vitrine local run stops up with an error.

VITRINE_PORTS=(55432 5672 15672 9200 8420 1025 8080 8101 8102 8103 8104 8105)

port_pids() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u; }

# checkout_of_pid <pid>: the root of the Vitrine checkout whose local run owns the process.
checkout_of_pid() {
  local cmd re='(/[^ :="]+)/(var/(postgres|rabbitmq|elasticsearch|nginx)|\.venv/bin/|ops/(localstripe_server|smtp_sink)\.py)'
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
  [[ $cmd =~ $re ]] || return 1
  printf '%s\n' "${BASH_REMATCH[1]}"
}

our_pids() {
  local f
  for f in "$RUN"/*.pid "$PG_DATA/postmaster.pid" "$RMQ_PID_FILE"; do
    [[ -s $f ]] && head -n1 "$f" | tr -dc '0-9' && echo
  done
  return 0
}

takeover_ports() {
  local port pid other ours stopped=() gone=() p
  ours=" $(our_pids | tr '\n' ' ') "
  for port in "${VITRINE_PORTS[@]}"; do
    for pid in $(port_pids "$port"); do
      [[ $ours == *" $pid "* ]] && continue 2
      other=$(checkout_of_pid "$pid") || continue # e.g. an nginx worker: its master decides
      if [[ $other == "$ROOT" ]]; then
        # Ours, but no PID file names it any more (var/run was cleaned): stop it by its PID.
        step takeover "127.0.0.1:$port is held by pid $pid of this checkout without a PID file: stopping it"
        stop_stray "$pid"
      elif [[ " ${stopped[*]} " == *" $other "* ]]; then
        stop_stray "$pid" # its down did not get this one
      elif [[ -x $other/bin/vitrine ]]; then
        step takeover "127.0.0.1:$port is held by the local run of $other: running its bin/vitrine down"
        "$other/bin/vitrine" down | sed 's/^/    /' || true
        stopped+=("$other")
        port_open "$port" && stop_stray "$pid"
      else
        step takeover "127.0.0.1:$port is held by pid $pid of $other (checkout gone): stopping it"
        stop_stray "$pid"
        [[ " ${gone[*]} " == *" $other "* ]] || gone+=("$other")
      fi
    done
  done
  # A gone checkout's workers hold no port: find them by their exact command line.
  for other in "${gone[@]}"; do
    for p in /proc/[0-9]*; do
      pid=${p#/proc/}
      if [[ "$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" =~ ^"$other"/\.venv/bin/python[0-9.]*\ -m\ [a-z_]+\.entrypoints\.worker ]]; then
        step takeover "worker pid $pid of $other (checkout gone): stopping it"
        stop_stray "$pid"
      fi
    done
  done
  for port in "${VITRINE_PORTS[@]}"; do
    for p in $(port_pids "$port"); do
      [[ $ours == *" $p "* ]] && continue 2
    done
    if port_open "$port"; then
      p=$(port_pids "$port" | head -n1)
      die "127.0.0.1:$port is in use by pid ${p:-?} ($(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | cut -c1-80)), which is not a Vitrine local run: stop it first"
    fi
  done
}

# stop_stray <pid>: a process of a Vitrine local run whose PID file is lost.
stop_stray() {
  local pid=$1 sig=TERM i
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres ]] && sig=INT # fast shutdown
  kill "-$sig" "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 300; i++)); do
    proc_alive "$pid" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
