# shellcheck shell=bash
# Elasticsearch from Maven Central's integ-test-zip, single node on 127.0.0.1:9200, run as the
# system user vitrine-es. See docs/elasticsearch.md for what this distribution lacks.

ES_VERSION=8.19.21
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
ES_USER=vitrine-es
ES_BASE="$VAR/elasticsearch"
ES_HOME="$ES_BASE/dist"
ES_CONF="$ES_BASE/config"
ES_DATA="$ES_BASE/data"
ES_TMP="$ES_BASE/tmp"
ES_LOGS="$LOG/elasticsearch"
ES_PID_FILE="$RUN/elasticsearch.pid"
ES_URL="http://127.0.0.1:9200"
ES_HEAP=${VITRINE_ES_HEAP:-512m}

es_running() { pid_alive "$ES_PID_FILE" org.elasticsearch; }
es_healthy() { curl -fsS "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=${1:-1}s" >/dev/null 2>&1; }

es_install() {
  local zip="$CACHE/elasticsearch/elasticsearch-$ES_VERSION.zip"
  if [[ ! -s $zip ]]; then
    step elasticsearch "downloading $ES_ARTIFACT (mvn)"
    mkdir -p "$CACHE/elasticsearch"
    mvn -B -q dependency:copy -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$CACHE/elasticsearch" \
      >"$LOG/mvn.log" 2>&1 || { tail_log "$LOG/mvn.log"; die "mvn could not fetch $ES_ARTIFACT"; }
  fi
  if [[ "$(cat "$ES_HOME/.vitrine-version" 2>/dev/null)" != "$ES_VERSION" ]]; then
    step elasticsearch "unpacking $ES_VERSION into var/elasticsearch/dist"
    rm -rf "$ES_HOME" "$ES_BASE/unpack"
    mkdir -p "$ES_BASE/unpack"
    unzip -q "$zip" -d "$ES_BASE/unpack"
    mv "$ES_BASE/unpack/elasticsearch-$ES_VERSION" "$ES_HOME"
    rmdir "$ES_BASE/unpack"
    rm -rf "$ES_CONF" # config follows the distribution
    printf '%s\n' "$ES_VERSION" >"$ES_HOME/.vitrine-version"
  fi
  if ! id -u "$ES_USER" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$ES_USER"
    step elasticsearch "created system user $ES_USER"
  fi
  if [[ ! -d $ES_CONF ]]; then
    cp -a "$ES_HOME/config" "$ES_CONF"
  fi
  mkdir -p "$ES_DATA" "$ES_TMP" "$ES_LOGS"
  chown -R "$ES_USER:$ES_USER" "$ES_CONF" "$ES_DATA" "$ES_TMP" "$ES_LOGS"
  ensure_traversable "$ES_USER" "$ES_HOME"
}

# es_launch starts the node without waiting (it needs ~15 s, spent on the other components);
# es_wait waits for it.
es_launch() {
  local pid java_home
  if pid=$(es_running); then
    step elasticsearch "already running (pid $pid)"
    ES_LAUNCHED=0
  else
    ES_LAUNCHED=1
    es_install
    java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    # ES writes its own PID file; give its user that one file in var/run.
    rm -f "$ES_PID_FILE"
    install -o "$ES_USER" -g "$ES_USER" -m 644 /dev/null "$ES_PID_FILE"
    step elasticsearch "starting $ES_VERSION (heap $ES_HEAP)"
    # Only core settings: settings of modules this distribution lacks abort the start.
    # 'elasticsearch -d' returns once the node is up (~10 s): run it in the background.
    (cd "$ES_BASE" && exec runuser -u "$ES_USER" -- env -i \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
      ES_JAVA_HOME="$java_home" ES_PATH_CONF="$ES_CONF" ES_TMPDIR="$ES_TMP" \
      ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
      "$ES_HOME/bin/elasticsearch" -d -p "$ES_PID_FILE" \
      -E cluster.name=vitrine \
      -E node.name=vitrine-local \
      -E discovery.type=single-node \
      -E network.host=127.0.0.1 \
      -E http.port=9200 \
      -E transport.port=9300 \
      -E xpack.security.enabled=false \
      -E path.data="$ES_DATA" \
      -E path.logs="$ES_LOGS" \
      </dev/null >"$LOG/elasticsearch-start.log" 2>&1) &
    ES_LAUNCH_JOB=$!
  fi
}

es_wait() {
  if [[ -n ${ES_LAUNCH_JOB:-} ]]; then
    if ! wait "$ES_LAUNCH_JOB"; then
      tail_log "$LOG/elasticsearch-start.log"
      tail_log "$ES_LOGS/vitrine.log"
      die "Elasticsearch did not start"
    fi
    ES_LAUNCH_JOB=
  fi
  if ! wait_for 120 es_healthy 2; then
    tail_log "$ES_LOGS/vitrine.log"
    die "Elasticsearch is not healthy (yellow) after 120 s"
  fi
  ((${ES_LAUNCHED:-0})) && step elasticsearch "ready (pid $(es_running), $ES_URL)"
  return 0
}

es_start() {
  es_launch
  es_wait
}

es_stop() { stop_pid elasticsearch "$ES_PID_FILE" org.elasticsearch 60; }

es_status() {
  local pid health
  if pid=$(es_running); then
    health=$(curl -fsS "$ES_URL/_cluster/health?filter_path=status" 2>/dev/null | tr -dc 'a-z:' | cut -d: -f2)
    echo "running (pid $pid) $ES_URL, cluster ${health:-unreachable}"
  else
    echo stopped
  fi
}
