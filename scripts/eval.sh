#!/usr/bin/env bash
# Scores the answer index on the dev set, posts given WITHOUT their language (as the held-out
# set is run): builds a temporary copy of ../shared/corpus, asks every post, scores.
#   scripts/eval.sh [--misses]
#   scripts/eval.sh --set tests/fixtures/posts-written-apart.jsonl [--misses]   # another set
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${GUICHET_SHARED:-$here/../shared}
questions=$shared/eval/questions-dev.jsonl
if [ "${1:-}" = --set ]; then
  questions=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
  shift 2
fi
kb=$(mktemp -d)
trap 'rm -rf "$kb"' EXIT
cp -r "$shared/corpus/." "$kb/"
cargo build --quiet --manifest-path "$here/Cargo.toml"
bin=${CARGO_TARGET_DIR:-$here/target}/debug/guichet
"$bin" --root "$kb" build 2>/dev/null
python3 -c 'import json,sys
for l in open(sys.argv[1]): d=json.loads(l); print(json.dumps({"id":d["id"],"text":d["text"]}, ensure_ascii=False))' \
    "$questions" | "$bin" --root "$kb" ask > "$kb/answers.jsonl"
python3 "$shared/eval/score.py" "$questions" "$kb/answers.jsonl" "$@"
