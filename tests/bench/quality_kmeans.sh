#!/bin/sh
# quality_kmeans.sh - final inertia of vcomm, scikit-learn and faiss over
# several seeds on the same data, same k and iteration count: one seed's
# k-means++ draw moves the result by a percent or two, so single runs do
# not compare quality; means and ranges over seeds do.
#
# usage: tests/bench/quality_kmeans.sh BUILD_DIR WORK_DIR N,D,K [SEEDS...]
#   data WORK_DIR/blobs_N_D_K.f32 as run_kmeans.sh writes it (generated if
#   missing); SEEDS default "0 1 2 3 4"; ITERS (20), THREADS (2), SHARED.
# Every centroid set is scored the same way: kmeans_peer.py's own inertia
# (faiss IndexFlatL2 search of every point, summed in float64).
set -eu

build=${1:?usage: quality_kmeans.sh BUILD_DIR WORK_DIR N,D,K [SEEDS...]}
work=${2:?work directory}
shape=${3:?N,D,K}
shift 3
seeds=${*:-"0 1 2 3 4"}
here=$(cd "$(dirname "$0")" && pwd)
shared=${SHARED:-$here/../../../shared}
iters=${ITERS:-20}
threads=${THREADS:-2}
py=/usr/bin/python3
n=${shape%%,*}; rest=${shape#*,}; d=${rest%%,*}; k=${rest#*,}
data=$work/blobs_${n}_${d}_${k}
mkdir -p "$work"
[ -e "$data.f32" ] || $py "$shared/bench/gen_blobs.py" --n "$n" --d "$d" --k "$k" \
    --seed 1 --out "$data"
out=$work/quality_${n}_${d}_${k}.txt
: > "$out"
for s in $seeds; do
  "$build/examples/vcomm/vcomm" kmeans --matrix "$data.f32" --dim "$d" --k "$k" \
      --iters "$iters" --tol 0 --seed "$s" --set threads="$threads" \
      --centroids-out "$work/q.f32" > /dev/null
  v=$($py - "$data.f32" "$work/q.f32" "$d" <<'EOF'
import sys, numpy as np, faiss
X = np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, int(sys.argv[3]))
C = np.fromfile(sys.argv[2], dtype=np.float32).reshape(-1, int(sys.argv[3]))
idx = faiss.IndexFlatL2(X.shape[1]); idx.add(C)
D, _ = idx.search(X, 1); print(f"{float(D.sum(dtype=np.float64)):.6e}")
EOF
)
  echo "vcomm $s $v" >> "$out"
  for peer in sklearn faiss; do
    r=$(OMP_WAIT_POLICY=PASSIVE $py "$shared/bench/kmeans_peer.py" "$peer" "$data.f32" \
        "$d" "$k" "$iters" "$s")
    echo "$peer $s ${r#* }" >> "$out"
  done
done
$py - "$out" "$shape" "$iters" <<'EOF'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
print(f"final inertia over seeds, {sys.argv[2]}, {sys.argv[3]} iterations")
res = {}
for who, seed, v in rows:
    res.setdefault(who, []).append(float(v))
best = min(statistics.mean(v) for w, v in res.items() if w != "vcomm")
for who, v in res.items():
    m = statistics.mean(v)
    print(f"  {who:8s} mean {m:.6e} ({100 * (m / best - 1):+.2f}% vs the better peer's mean)"
          f"  min {min(v):.6e}  max {max(v):.6e}  seeds {len(v)}")
EOF
