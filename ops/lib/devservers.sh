# shellcheck shell=bash
# Development stand-ins: localstripe (Stripe API) and an SMTP sink; plus the auth keys.

STRIPE_PORT=8420
STRIPE_URL="http://127.0.0.1:$STRIPE_PORT"
STRIPE_PID_FILE="$RUN/localstripe.pid"
STRIPE_WEBHOOK_URL="$EDGE_URL/api/checkout/webhooks/stripe"
STRIPE_WEBHOOK_SECRET=whsec_vitrine_dev
SMTP_PORT=1025
SMTP_PID_FILE="$RUN/smtp.pid"
MAIL_DIR="$VAR/mail"
KEYS_DIR="$VAR/keys"

stripe_running() { pid_alive "$STRIPE_PID_FILE" localstripe_server.py; }
smtp_running() { pid_alive "$SMTP_PID_FILE" smtp_sink.py; }

stripe_start() {
  local pid
  if pid=$(stripe_running); then
    step localstripe "already running (pid $pid)"
  else
    port_open $STRIPE_PORT && die "127.0.0.1:$STRIPE_PORT is taken by a process bin/vitrine did not start"
    start_daemon "$STRIPE_PID_FILE" "$LOG/localstripe.log" \
      "$VENV/bin/python" "$ROOT/ops/localstripe_server.py" --host 127.0.0.1 --port $STRIPE_PORT
    wait_for 30 curl -fsS -o /dev/null "$STRIPE_URL/js.stripe.com/v3/" ||
      { tail_log "$LOG/localstripe.log"; die "localstripe did not start"; }
    step localstripe "started (pid $(stripe_running), $STRIPE_URL)"
  fi
  # Webhooks live in localstripe's memory: register on every up (same id, so idempotent).
  curl -fsS -o /dev/null -X POST "$STRIPE_URL/_config/webhooks/vitrine" \
    --data-urlencode "url=$STRIPE_WEBHOOK_URL" --data-urlencode "secret=$STRIPE_WEBHOOK_SECRET" ||
    die "could not configure the localstripe webhook"
  step localstripe "webhook vitrine -> ${STRIPE_WEBHOOK_URL#http://}"
}

smtp_start() {
  local pid
  mkdir -p "$MAIL_DIR"
  if pid=$(smtp_running); then
    step smtp-sink "already running (pid $pid)"
    return 0
  fi
  port_open $SMTP_PORT && die "127.0.0.1:$SMTP_PORT is taken by a process bin/vitrine did not start"
  start_daemon "$SMTP_PID_FILE" "$LOG/smtp.log" \
    "$VENV/bin/python" "$ROOT/ops/smtp_sink.py" --host 127.0.0.1 --port $SMTP_PORT --maildir "$MAIL_DIR"
  wait_for 20 port_open $SMTP_PORT || { tail_log "$LOG/smtp.log"; die "SMTP sink did not start"; }
  step smtp-sink "started (pid $(smtp_running), 127.0.0.1:$SMTP_PORT, saving to var/mail/)"
}

keys_ensure() {
  mkdir -p "$KEYS_DIR"
  if [[ ! -s $KEYS_DIR/auth-private.pem ]]; then
    (umask 077 && openssl genpkey -algorithm ed25519 -out "$KEYS_DIR/auth-private.pem")
    rm -f "$KEYS_DIR/auth-public.pem"
    local generated=1
  fi
  chmod 600 "$KEYS_DIR/auth-private.pem"
  if [[ ! -s $KEYS_DIR/auth-public.pem ]]; then
    openssl pkey -in "$KEYS_DIR/auth-private.pem" -pubout -out "$KEYS_DIR/auth-public.pem"
    chmod 644 "$KEYS_DIR/auth-public.pem"
  fi
  if [[ -n ${generated:-} ]]; then
    step keys "generated Ed25519 pair var/keys/auth-private.pem, auth-public.pem"
  else
    step keys "var/keys/auth-private.pem, auth-public.pem present"
  fi
}

stripe_stop() { stop_pid localstripe "$STRIPE_PID_FILE" localstripe_server.py 10; }
smtp_stop() { stop_pid smtp-sink "$SMTP_PID_FILE" smtp_sink.py 10; }
