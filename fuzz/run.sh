#!/usr/bin/env bash
# Fuzzes planbook for SECONDS in total, split evenly over the targets (all of
# them, or those named after SECONDS), one target at a time. Exits non-zero
# when a target crashes, leaks past the memory limit or hangs; the input is
# kept in fuzz/artifacts/<target>/ (replay it with the target binary).
#
#   bash fuzz/run.sh 60                 # CI: a minute in all
#   bash fuzz/run.sh 3600 data plan     # a campaign on two targets
#
# The toolchain is stable: cargo-fuzz's nightly flags (-Zsanitizer=address)
# are let through with RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")"

secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(narrative data formula plan)
each=$((secs / ${#targets[@]}))
[ "$each" -ge 1 ] || each=1

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install --locked cargo-fuzz
fi

export RUSTC_BOOTSTRAP=1
echo "== cargo fuzz build"
mkdir -p work/tmp
for t in "${targets[@]}"; do
  if ! cargo fuzz build -O "$t" >work/build.log 2>&1; then
    tail -n 40 work/build.log
    exit 1
  fi
done
bin=target/$(rustc -vV | sed -n 's/^host: //p')/release

status=0
for t in "${targets[@]}"; do
  [ -x "$bin/$t" ] || { echo "error: $t was not built"; exit 1; }
  # New inputs go to the uncommitted work/ folder; corpus/ stays the seeds.
  mkdir -p "work/$t" "artifacts/$t"
  echo "== fuzz $t for ${each}s"
  if ! TMPDIR="$PWD/work/tmp" "$bin/$t" -max_total_time="$each" -timeout=10 -rss_limit_mb=4096 \
      -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
      "work/$t" "corpus/$t" >"work/$t.log" 2>&1; then
    echo "error: fuzz target $t failed; the log's end:"
    tail -n 40 "work/$t.log"
    status=1
  fi
  grep -E '^stat::number_of_executed_units|^Done' "work/$t.log" | sed "s/^/  $t: /"
done
# Each target process copied the small plan there once.
rm -rf work/tmp
exit "$status"
