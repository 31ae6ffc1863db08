# shellcheck shell=bash
# The project's virtualenv (.venv) with every package installed editable.

# Editable installs, in dependency order; only those that exist yet.
python_projects() {
  [[ -f $ROOT/shared/pyproject.toml ]] && printf '%s\n' shared
  local s
  for s in "${SERVICES[@]}"; do
    [[ -f $ROOT/services/$s/pyproject.toml ]] && printf '%s\n' "services/$s"
  done
  return 0
}

python_fingerprint() {
  {
    "$VENV/bin/python" -c 'import sys; print(sys.version)' 2>/dev/null || echo none
    local p
    for p in $(python_projects); do
      printf '%s\n' "$p"
      sha256sum "$ROOT/$p/pyproject.toml"
    done
    [[ -f $ROOT/requirements-dev.txt ]] && sha256sum "$ROOT/requirements-dev.txt"
  } | sed "s|$ROOT/||" | sha256sum | cut -d' ' -f1
}

ensure_venv() {
  local python=${VITRINE_PYTHON:-python3}
  if [[ ! -x $VENV/bin/python ]]; then
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
      die "$python is older than 3.11 (set VITRINE_PYTHON to a newer interpreter)"
    step python "creating .venv with $("$python" --version 2>&1)"
    "$python" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip >>"$LOG/pip.log" 2>&1 || true
  fi
  local stamp="$STATE/pip.sha256" want args=() p
  want=$(python_fingerprint)
  if [[ -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
    step python ".venv up to date"
    return 0
  fi
  for p in $(python_projects); do args+=(-e "$ROOT/$p"); done
  [[ -f $ROOT/requirements-dev.txt ]] && args+=(-r "$ROOT/requirements-dev.txt")
  if ((${#args[@]} == 0)); then
    step python "nothing to install yet (no pyproject.toml, no requirements-dev.txt)"
    return 0
  fi
  step python "pip install ${args[*]//$ROOT\//}"
  if ! "$VENV/bin/python" -m pip install -q "${args[@]}" >"$LOG/pip.log" 2>&1; then
    tail_log "$LOG/pip.log" 30
    die "pip install failed; full log in var/log/pip.log"
  fi
  printf '%s\n' "$want" >"$stamp"
}
