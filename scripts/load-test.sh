#!/usr/bin/env bash
# Load test of `guichet api` on loopback: wrk sends the posts of the dev evaluation set as
# GET /api/answer requests while a loop publishes a new build of the reference corpus every
# second. Prints throughput, latency percentiles, errors and index reloads; exits non-zero on
# any failed request, failed reload or unclean shutdown.
#
# Usage: scripts/load-test.sh            (defaults below; all can be overridden)
#   DURATION=30 CONNECTIONS=32 THREADS=1 PORT=18787 PUBLISH=1 scripts/load-test.sh
#   GUICHET_BIN=/path/to/guichet scripts/load-test.sh   (another binary, to compare two builds
#                                                        in turn on the same machine)
# Needs: root to install wrk if missing (Debian package), cargo, curl, jq.
# Bounded: wrk stops after DURATION seconds (at most 300); every wait has a limit; only
# 127.0.0.1 is ever contacted.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
PORT=${PORT:-18787}
PUBLISH=${PUBLISH:-1}   # 1: publish a new build every second during the load; 0: do not
CORPUS=${CORPUS:-$repo/../shared/corpus}
POSTS_SOURCE=${POSTS_SOURCE:-$repo/../shared/eval/questions-dev.jsonl}
if (( DURATION < 1 || DURATION > 300 )); then
  echo "DURATION must be from 1 to 300 seconds" >&2
  exit 2
fi

if ! command -v wrk >/dev/null; then
  echo "== installing wrk"
  if [[ $(id -u) -ne 0 ]]; then
    echo "wrk is missing; run as root so that the script can apt-get install it" >&2
    exit 2
  fi
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
done

if [[ -n ${GUICHET_BIN:-} ]]; then
  bin=$GUICHET_BIN
else
  echo "== building guichet (release)"
  (cd "$repo" && cargo build --release --quiet --bin guichet)
  bin="${CARGO_TARGET_DIR:-$repo/target}/release/guichet"
fi

work=$(mktemp -d)
server=""
publisher=""
cleanup() {
  [[ -n $publisher ]] && kill "$publisher" 2>/dev/null || true
  [[ -n $server ]] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cp -r "$CORPUS" "$work/kb"
# A publication is a full `guichet build`: site and answer index, swapped in atomically.
publish() {
  "$bin" --root "$work/kb" build
}
echo "== first build of $(basename "$CORPUS")"
"$bin" --root "$work/kb" build >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

# One GET target per post; wrk cycles through them.
jq -r '"/api/answer?q=\(.text | @uri)&lang=\(.lang)&id=\(.id)"' "$POSTS_SOURCE" >"$work/targets"
echo "   $(wc -l <"$work/targets") posts from $(basename "$POSTS_SOURCE")"

base="http://127.0.0.1:$PORT"
RUST_LOG=warn "$bin" --root "$work/kb" api --listen "127.0.0.1:$PORT" 2>"$work/api.log" &
server=$!
for _ in $(seq 300); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/api.log"; exit 1; }
  sleep 0.1
done
curl -fs "$base/healthz" >/dev/null || { echo "the service never became ready" >&2; exit 1; }
first_version=$(curl -fs "$base/healthz" | jq -r .index_version)

builds=0
if [[ $PUBLISH == 1 ]]; then
  # A new build every second, for as long as the load lasts (bounded by the count).
  (
    for _ in $(seq "$DURATION"); do
      started=$(date +%s%3N)
      if publish >>"$work/build.log" 2>&1; then
        echo ok >>"$work/published"
      else
        echo failed >>"$work/published"
      fi
      left=$((1000 - ($(date +%s%3N) - started)))
      if ((left > 0)); then sleep "$(awk -v ms="$left" 'BEGIN { print ms / 1000 }')"; fi
    done
  ) &
  publisher=$!
fi

echo "== wrk: $THREADS thread(s), $CONNECTIONS connections, ${DURATION}s, publishing every second: $PUBLISH"
POSTS="$work/targets" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
  -s "$repo/scripts/load-posts.lua" "$base/" >"$work/wrk.txt"
if [[ -n $publisher ]]; then
  wait "$publisher" || true
  publisher=""
  builds=$(grep -c ok "$work/published" 2>/dev/null || true)
fi
sleep 1 # let the last publication be picked up
metrics=$(curl -fs "$base/metrics")
last_version=$(curl -fs "$base/healthz" | jq -r .index_version)

kill -TERM "$server"
for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server" 2>/dev/null; then
  echo "the service did not stop within 10 s of SIGTERM" >&2
  exit 1
fi
wait "$server" && shutdown=clean || shutdown="exit status $?"
server=""

metric() { awk -v m="$1" '$1 == m { print $2 }' <<<"$metrics"; }
failed_builds=$(grep -c failed "$work/published" 2>/dev/null || true)
# Answers only: /healthz answers 503 while the script waits for the service to be ready.
server_errors=$(awk '/^guichet_api_requests_total\{route="\/api\/answer"/ && /status="5/ { n += $2 } END { print n + 0 }' <<<"$metrics")
client_errors=$(awk '/^guichet_api_requests_total\{route="\/api\/answer"/ && /status="4/ { n += $2 } END { print n + 0 }' <<<"$metrics")
reloads_ok=$(metric 'guichet_api_index_reloads_total{result="ok"}')
reloads_failed=$(metric 'guichet_api_index_reloads_total{result="failed"}')

echo
grep '^LOAD' "$work/wrk.txt" | sed 's/^LOAD /  /'
grep -i 'socket errors\|non-2xx' "$work/wrk.txt" | sed 's/^/  wrk: /' || true
echo "  builds published: ${builds:-0} (failed: ${failed_builds:-0}); reloads: ok=$reloads_ok failed=$reloads_failed"
echo "  index version: first $first_version, last $last_version"
echo "  responses 4xx=$client_errors 5xx=$server_errors (service metrics); shutdown on SIGTERM: $shutdown"
if grep -Eq '[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{3}' "$work/api.log"; then
  echo "  the service log has a 9-digit number in it:" && cat "$work/api.log"
  exit 1
fi

errors=$(grep '^LOAD errors' "$work/wrk.txt" | grep -o '=[0-9]*' | tr -d = | awk '{ n += $1 } END { print n + 0 }')
if (( errors > 0 || server_errors > 0 || client_errors > 0 || reloads_failed > 0 || ${failed_builds:-0} > 0 )) \
   || [[ $shutdown != clean ]]; then
  echo "FAILED: see the figures above" >&2
  exit 1
fi
echo "OK: no errors"
