# shellcheck shell=bash
# The edge: nginx on 127.0.0.1:8080, config rendered from deploy/nginx/local.conf.template.

NGINX_DIR="$VAR/nginx"
NGINX_CONF="$NGINX_DIR/nginx.conf"
NGINX_PID_FILE="$RUN/nginx.pid"
NGINX_TEMPLATE="$ROOT/deploy/nginx/local.conf.template"

nginx_running() { pid_alive "$NGINX_PID_FILE" nginx; }
nginx_cmd() { nginx -p "$NGINX_DIR/" -c "$NGINX_CONF" -e "$LOG/nginx-error.log" "$@"; }

nginx_web_root() {
  if [[ -d $ROOT/web/dist ]]; then printf '%s\n' "$ROOT/web/dist"; else printf '%s\n' "$ROOT/web"; fi
}

nginx_render() {
  local web_root tmp
  [[ -f $NGINX_TEMPLATE ]] || die "missing $NGINX_TEMPLATE"
  web_root=$(nginx_web_root)
  mkdir -p "$NGINX_DIR/tmp"
  tmp="$NGINX_CONF.new"
  sed -e "s|@VAR@|$VAR|g" -e "s|@WEB_ROOT@|$web_root|g" "$NGINX_TEMPLATE" >"$tmp"
  if grep -q '@[A-Z_]*@' "$tmp"; then
    die "unknown placeholder left in var/nginx/nginx.conf: $(grep -o '@[A-Z_]*@' "$tmp" | sort -u | tr '\n' ' ')"
  fi
  [[ -d $web_root ]] && ensure_traversable www-data "$web_root"
  if [[ -f $NGINX_CONF ]] && cmp -s "$tmp" "$NGINX_CONF"; then
    rm -f "$tmp"
    return 1 # unchanged
  fi
  mv "$tmp" "$NGINX_CONF"
  return 0
}

nginx_start() {
  local pid changed=0
  nginx_render && changed=1
  if ! nginx_cmd -t -q >"$LOG/nginx-test.log" 2>&1; then
    cat "$LOG/nginx-test.log" >&2
    die "nginx rejects var/nginx/nginx.conf (from deploy/nginx/local.conf.template)"
  fi
  if pid=$(nginx_running); then
    if ((changed)); then
      kill -HUP "$pid"
      step nginx "config changed, reloaded (pid $pid)"
    else
      step nginx "already running (pid $pid)"
    fi
    return 0
  fi
  port_open 8080 && die "127.0.0.1:8080 is taken by a process bin/vitrine did not start"
  nginx_cmd </dev/null >>"$LOG/nginx-start.log" 2>&1 || { tail_log "$LOG/nginx-start.log"; tail_log "$LOG/nginx-error.log"; die "nginx did not start"; }
  wait_for 10 nginx_running || { tail_log "$LOG/nginx-error.log"; die "nginx wrote no PID file"; }
  step nginx "started (pid $(nginx_running), $EDGE_URL, static from ${ROOT:+$(nginx_web_root | sed "s|$ROOT/||")})"
}

nginx_stop() { stop_pid nginx "$NGINX_PID_FILE" nginx 10; }

nginx_status() {
  local pid
  if pid=$(nginx_running); then echo "running (pid $pid) $EDGE_URL"; else echo stopped; fi
}
