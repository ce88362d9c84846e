#!/usr/bin/env bash
# After `npm ci` and a build: `npm ci`'s log (the file given), `npm start` until it is ready, and
# `npx docsift --help` must print no npm warning the project causes: an unknown .npmrc key, an
# install script not reviewed in package.json's allowScripts, a dependency whose engines exclude
# the supported Node. (A deprecation notice of a locked dependency is the registry's news, not a
# fault here.) Prints how long the start on a built tree took.
set -euo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Ports of 0: this check must not collide with anything else on the machine.
export LOCAL_HTTP_PORT=0 LOCAL_BLOB_PORT=0 LOCAL_COSMOS_PORT=0 LOCAL_SERVICEBUS_PORT=0 LOCAL_WEBPUBSUB_PORT=0
export LOCAL_STATE_DIR="$(mktemp -d)"
started=$(date +%s%N)
# Its own session and process group: npm, its shell and the stack's processes stop together.
setsid npm start >"$log" 2>&1 &
pid=$!
ready=""
for _ in $(seq 1 600); do
  if grep -q "docsift is running" "$log"; then ready=yes; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.2
done
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
# The stack stops on SIGTERM as on Ctrl-C; whatever is left after 30 s is killed.
kill -TERM -- "-$pid" 2>/dev/null || true
for _ in $(seq 1 150); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
kill -KILL -- "-$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
rm -rf "$LOCAL_STATE_DIR"
if [ -z "$ready" ]; then
  echo "npm start did not become ready:"; cat "$log"; exit 1
fi
echo "npm start on a built tree: ready after ${elapsed_ms} ms (build check included)"

npx docsift --help >>"$log" 2>&1
[ -n "${1:-}" ] && cat "$1" >>"$log"
if grep -n -E "npm warn (Unknown .* config|install-scripts|EBADENGINE)" "$log"; then
  echo "npm printed warnings (above) during npm start or npx docsift --help"; exit 1
fi
echo "npm ci, npm start and npx docsift --help: no npm warning the project causes"
