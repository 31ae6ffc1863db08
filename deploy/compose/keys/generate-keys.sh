#!/bin/sh
# One-shot `keys` service of docker-compose.yml: makes the Ed25519 key pair the identity service
# signs tokens with (auth-private.pem) and every service verifies with (auth-public.pem), in the
# named volume mounted at /keys. Keys already there are kept, so tokens survive a restart.
# The service images run as uid/gid 10001 (user vitrine), so the files belong to that user.
set -eu

dir="${KEYS_DIR:-/keys}"
owner="${KEYS_OWNER:-10001:10001}"
private="$dir/auth-private.pem"
public="$dir/auth-public.pem"

umask 077
mkdir -p "$dir"

if [ -s "$private" ]; then
    echo "keys: $private present, kept"
else
    openssl genpkey -algorithm ed25519 -out "$private.tmp"
    mv "$private.tmp" "$private"
    rm -f "$public"
    echo "keys: generated $private"
fi

if [ -s "$public" ]; then
    echo "keys: $public present, kept"
else
    openssl pkey -in "$private" -pubout -out "$public.tmp"
    mv "$public.tmp" "$public"
    echo "keys: derived $public"
fi

chown "$owner" "$private" "$public"
chmod 0400 "$private"
chmod 0444 "$public"
