# shellcheck shell=bash
# Debian packages the local run needs. Installs only what is missing.

DEB_PACKAGES=(postgresql rabbitmq-server nginx openjdk-17-jre-headless docker-compose chromium
  unzip curl openssl iproute2)

deb_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

ensure_packages() {
  local missing=() p
  for p in "${DEB_PACKAGES[@]}"; do
    deb_installed "$p" || missing+=("$p")
  done
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  if ((${#missing[@]} == 0)); then
    step packages "all present"
    return 0
  fi
  step packages "installing ${missing[*]} (apt-get)"
  # Keep the packages' maintainer scripts from starting their system-wide daemons (default
  # RabbitMQ node on 5672, default nginx site, PostgreSQL's 'main' cluster): we run our own.
  local guard=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    guard=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >"$LOG/apt.log" 2>&1 || rc=$?
  ((guard)) && rm -f /usr/sbin/policy-rc.d
  if ((rc != 0)); then
    tail_log "$LOG/apt.log" 30
    die "apt-get failed (exit $rc); full log in var/log/apt.log"
  fi
  step packages "installed ${missing[*]}"
}
