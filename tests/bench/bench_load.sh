#!/usr/bin/env bash
# bench_load.sh - loading speed: the whole `vcomm stats` process on a
# 5M-line ML-1M-format data set against a whole Python process reading the
# same rows with pandas.read_csv (C engine, plain comma CSV), in the same
# run, alternating, best of N each. Prints both times, the ratio and
# vcomm's bytes per event.
#
#   tests/bench/bench_load.sh BUILD_DIR [LINES] [REPEATS]
#
# Needs Debian's python3-pandas and python3-numpy (apt-get install), and
# ../shared/bench/gen_big_ml.py beside the project. The data is generated
# once into $BENCH_DIR (default /tmp/vcomm-bench).
set -euo pipefail
build=${1:?usage: bench_load.sh BUILD_DIR [LINES] [REPEATS]}
lines=${2:-5000000}
repeats=${3:-5}
here=$(cd "$(dirname "$0")/../.." && pwd)
shared=${VCOMM_SHARED:-$here/../shared}
dir=${BENCH_DIR:-/tmp/vcomm-bench}
vcomm=$build/examples/vcomm/vcomm
mkdir -p "$dir"
data=$dir/ml-$lines
if [ ! -f "$data/ratings.dat" ]; then
    echo "generating $lines ratings into $data" >&2
    /usr/bin/python3 "$shared/bench/gen_big_ml.py" "$data" "$lines"
fi
cat > "$dir/pandas_load.py" <<'PY'
import sys
import pandas as pd
print(len(pd.read_csv(sys.argv[1])))
PY

wall() {  # seconds of wall time of a command
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > /dev/null
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}

best_v=999 best_p=999
for _ in $(seq "$repeats"); do
    v=$(wall "$vcomm" stats --data "$data")
    p=$(wall /usr/bin/python3 "$dir/pandas_load.py" "$data.ratings.csv")
    best_v=$(echo "if ($v < $best_v) $v else $best_v" | bc -l)
    best_p=$(echo "if ($p < $best_p) $p else $best_p" | bc -l)
done
bytes=$("$vcomm" stats --data "$data" --json | /usr/bin/python3 -c \
    'import json,sys; d=json.load(sys.stdin); print("%.1f" % (d["bytes"]/d["events"]))')
size=$(stat -c %s "$data/ratings.dat")
printf 'file            %s (%.0f MB, %s lines)\n' "$data/ratings.dat" "$(echo "$size/1000000" | bc -l)" "$lines"
printf 'vcomm stats     %.3f s  (%.0f MB/s)\n' "$best_v" "$(echo "$size/1000000/$best_v" | bc -l)"
printf 'pandas read_csv %.3f s\n' "$best_p"
printf 'ratio           %.1fx\n' "$(echo "$best_p/$best_v" | bc -l)"
printf 'store           %s bytes per event\n' "$bytes"
