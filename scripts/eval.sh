#!/usr/bin/env bash
# Scores the answer index on the dev set, posts given WITHOUT their language (as the held-out
# set is run): builds a temporary copy of ../shared/corpus, asks every post, scores.
#   scripts/eval.sh [--misses]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${GUICHET_SHARED:-$here/../shared}
questions=$shared/eval/questions-dev.jsonl
kb=$(mktemp -d)
trap 'rm -rf "$kb"' EXIT
cp -r "$shared/corpus/." "$kb/"
cargo build --quiet --manifest-path "$here/Cargo.toml"
bin=${CARGO_TARGET_DIR:-$here/target}/debug/guichet
"$bin" --root "$kb" index
python3 -c 'import json,sys
for l in open(sys.argv[1]): d=json.loads(l); print(json.dumps({"id":d["id"],"text":d["text"]}, ensure_ascii=False))' \
    "$questions" | "$bin" --root "$kb" ask > "$kb/answers.jsonl"
python3 "$shared/eval/score.py" "$questions" "$kb/answers.jsonl" "$@"
