#!/usr/bin/env bash
# Side-by-side full builds of the same synthetic FAQ site with guichet, Hugo and Zola.
#
#   bench/compare.sh [N ...]          # default: 1000 10000
#   RUNS=5 bench/compare.sh 1000
#   KEEP_OUTPUT=1 bench/compare.sh 1000   # rebuilds over the previous output
#   WORK=/dev/shm/guichet-bench bench/compare.sh   # sites and outputs in memory (tmpfs)
#
# Generates the site with ../shared/bench/gen_corpus.py (one seed, three layouts), installs
# Debian's hugo when missing, uses zola when it is on PATH, then builds each size RUNS times
# per tool, alternating tools, and prints median wall time and peak memory (max RSS) with the
# ratios guichet/Hugo and guichet/Zola. guichet's figure includes writing its answer index.
# The `files` column counts what each tool wrote: guichet writes a share page per question
# (six per page) besides the pages, so it creates far more files and folders than the others.
#
# Where the outputs live matters on this machine: its disk is ext4 without a journal, which
# avoids reusing inodes freed in the last minutes, at a cost that grows with every file
# created after a large deletion. Each run deletes the previous output before the clock
# starts, so on that disk the figures are mostly file-system time. WORK=/dev/shm/... times the
# tools themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=("${@:-1000 10000}")
read -r -a SIZES <<<"${SIZES[*]}"
RUNS=${RUNS:-5}
WORK=${WORK:-target/bench-sites}
GEN=../shared/bench/gen_corpus.py

if ! command -v hugo >/dev/null; then
  echo "installing Debian's hugo..." >&2
  (apt-get update -qq && apt-get install -y -qq hugo) >/dev/null
fi
if [ ! -x /usr/bin/time ]; then
  (apt-get update -qq && apt-get install -y -qq time) >/dev/null
fi
cargo build --release -q
GUICHET=$PWD/target/release/guichet
mkdir -p "$WORK"

# run TOOL DIR -> prints "seconds max_rss_kib files_written"
run() {
  local tool=$1 dir=$2 log
  log=$(mktemp)
  # Fresh builds by default: every tool starts without output, removed (and synced to disk)
  # before the clock starts. KEEP_OUTPUT=1 times rebuilds over the previous output instead,
  # which is what an author's next `build` does (guichet then replaces its whole site).
  if [ -z "${KEEP_OUTPUT:-}" ]; then
    rm -rf "$dir/guichet/site" "$dir/guichet/.guichet" "$dir/hugo/public" "$dir/zola/public"
    sync
  fi
  case $tool in
    guichet) /usr/bin/time -f "%e %M" -o "$log" "$GUICHET" --root "$dir/guichet" build >/dev/null 2>&1 ;;
    hugo) (cd "$dir/hugo" && /usr/bin/time -f "%e %M" -o "$log" hugo --quiet >/dev/null 2>&1) ;;
    zola) (cd "$dir/zola" && /usr/bin/time -f "%e %M" -o "$log" zola build --force >/dev/null 2>&1) ;;
  esac
  local out=$dir/$tool/public
  [ "$tool" = guichet ] && out=$dir/guichet/site
  echo "$(tail -n 1 "$log") $(find "$out" -type f | wc -l)"
  rm -f "$log"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

TOOLS=(guichet hugo)
command -v zola >/dev/null && TOOLS+=(zola)

printf "%-7s %-8s %10s %12s %9s\n" N tool "wall (s)" "peak (MiB)" files
for n in "${SIZES[@]}"; do
  dir=$WORK/corpus-$n
  [ -d "$dir/guichet" ] || python3 "$GEN" -n "$n" --seed 1 -o "$dir" >/dev/null
  declare -A T=() M=() F=()
  for tool in "${TOOLS[@]}"; do run "$tool" "$dir" >/dev/null; done # warm the page cache
  for ((i = 0; i < RUNS; i++)); do
    for tool in "${TOOLS[@]}"; do
      read -r s k f < <(run "$tool" "$dir")
      T[$tool]+="$s "; M[$tool]+="$k "; F[$tool]=$f
    done
  done
  for tool in "${TOOLS[@]}"; do
    t=$(tr ' ' '\n' <<<"${T[$tool]}" | grep . | median)
    m=$(tr ' ' '\n' <<<"${M[$tool]}" | grep . | median)
    eval "t_$tool=$t; m_$tool=$m"
    printf "%-7s %-8s %10.2f %12.0f %9s\n" "$n" "$tool" "$t" "$(awk "BEGIN{print $m/1024}")" "${F[$tool]}"
  done
  printf "%-7s ratio guichet/hugo: wall %.2f, memory %.2f\n" "$n" \
    "$(awk "BEGIN{print $t_guichet/$t_hugo}")" "$(awk "BEGIN{print $m_guichet/$m_hugo}")"
  if [ -n "${t_zola:-}" ]; then
    printf "%-7s ratio guichet/zola: wall %.2f, memory %.2f\n" "$n" \
      "$(awk "BEGIN{print $t_guichet/$t_zola}")" "$(awk "BEGIN{print $m_guichet/$m_zola}")"
  fi
  unset T M F
done
