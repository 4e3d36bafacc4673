#!/bin/sh
# tests/fuzz/run.sh [SECONDS] [TARGET...] - build the libFuzzer targets with
# clang (ASan + UBSan, in build-fuzz/ or $FUZZ_BUILD) and run each target
# for SECONDS (default 60), one target at a time in one process (the
# machine is shared: never several fuzzers at once). TARGETs default to all
# (ml1m ml100k latest merchant options model).
#
# Each run starts from the committed seeds (tests/fuzz/corpus/<target>,
# only read) plus the inputs earlier runs found (build-fuzz/corpus/<target>,
# where new ones are written); crashes, leaks and timeouts land in
# build-fuzz/artifacts/. A line per target gives the exec count and the
# final coverage (cov = edges, ft = features), as docs/reliability.md
# records them; the full log is build-fuzz/logs/<target>.log. Exit status
# is non-zero when any target found something.
#
# Reproduce a finding with the fuzzer (build-fuzz/tests/fuzz/fuzz_<t> FILE)
# or the gcc replay driver (build/tests/fuzz/fuzz_replay_<t> FILE); after
# fixing it, copy the input to tests/fuzz/corpus/<t>/crash-<what> so CI
# replays it forever.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-ml1m ml100k latest merchant options model}
build=${FUZZ_BUILD:-build-fuzz}

command -v clang >/dev/null || {
    echo "run.sh: clang is missing (apt-get install -y clang)" >&2
    exit 2
}
if [ ! -f "$build/build.ninja" ]; then
    CC=clang CXX=clang++ meson setup "$build" -Dfuzz=true -Dtests=false \
        -Dexamples=false -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$build" >/dev/null

mkdir -p "$build/artifacts" "$build/logs"
status=0
printf '%-9s %6s %12s %7s %7s %s\n' target seconds execs cov ft result
for t in $targets; do
    mkdir -p "$build/corpus/$t"
    log="$build/logs/$t.log"
    rc=0
    "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
        -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$build/artifacts/$t-" \
        "$build/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    result=clean
    if [ "$rc" -ne 0 ]; then
        result="FOUND (exit $rc; see $log)"
        status=1
    fi
    printf '%-9s %6s %12s %7s %7s %s\n' "$t" "$secs" "${execs:-?}" "${cov:-?}" \
        "${ft:-?}" "$result"
done
exit $status
