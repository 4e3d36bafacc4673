#!/bin/sh
# run_kmeans.sh - vcomm k-means against scikit-learn and faiss, same data,
# same k, same iteration count, in one run; prints the ratios.
#
# usage: tests/bench/run_kmeans.sh BUILD_DIR [WORK_DIR] [SHAPE ...]
#   BUILD_DIR  a build with -Dbench=true (examples/vcomm/vcomm and
#              tests/bench/bench_kmeans)
#   WORK_DIR   data and results (default /tmp/vcomm-bench-kmeans)
#   SHAPE      N,D,K (default: 1000000,32,64 1000000,64,256 200000,128,1024)
# environment: ITERS (20), SEED (0), THREADS (2), REPEATS (1),
#   SHARED (../shared relative to the source tree), PEERS (sk-lloyd,faiss-full)
#
# For each shape:
#  1. data: SHARED/bench/gen_blobs.py (Gaussian centres N(0,1), noise N(0,1):
#     overlapping blobs, so every run goes the full ITERS iterations);
#  2. peers: SHARED/bench/kmeans_peers.py - scikit-learn Lloyd and faiss on
#     the full data, each from its own start (native) and from one shared
#     k-means++ start C0 (shared), plus the assignment pass alone;
#  3. vcomm: the whole `vcomm kmeans` process, file read included (wall
#     clock around the process), scored by SHARED/bench/eval_centroids.py
#     like the peers; then bench_kmeans from the same C0 (per-iteration time,
#     k-means++ time, assignment GFLOP/s);
#  4. the ratios.
# Peers run first, each in its own process with OMP_WAIT_POLICY=PASSIVE
# (kmeans_peers.py does it), so nothing of theirs spins while vcomm runs.
set -eu

build=${1:?usage: run_kmeans.sh BUILD_DIR [WORK_DIR] [N,D,K ...]}
work=${2:-/tmp/vcomm-bench-kmeans}
[ $# -ge 2 ] && shift 2 || shift $#
shapes=${*:-"1000000,32,64 1000000,64,256 200000,128,1024"}
here=$(cd "$(dirname "$0")" && pwd)
shared=${SHARED:-$here/../../../shared}
iters=${ITERS:-20}
seed=${SEED:-0}
threads=${THREADS:-2}
repeats=${REPEATS:-1}
peers=${PEERS:-sk-lloyd,faiss-full}
py=/usr/bin/python3
vcomm=$build/examples/vcomm/vcomm
bench=$build/tests/bench/bench_kmeans
for f in "$vcomm" "$bench" "$shared/bench/kmeans_peers.py"; do
  [ -e "$f" ] || { echo "run_kmeans.sh: missing $f (build with -Dbench=true)" >&2; exit 1; }
done
mkdir -p "$work/c0cache"

# the machine's FP32 FMA peak, measured now
if [ ! -x "$work/fma_peak" ]; then
  gcc -O3 -march=native -fopenmp "$shared/bench/fma_peak.c" -o "$work/fma_peak"
fi
"$work/fma_peak" "$threads" 0.3 | tee "$work/fma_peak.txt"

now() { $py -c 'import time; print(time.time())'; }

for shape in $shapes; do
  n=${shape%%,*}; rest=${shape#*,}; d=${rest%%,*}; k=${rest#*,}
  name=blobs_${n}_${d}_${k}
  data=$work/$name
  [ -e "$data.f32" ] || $py "$shared/bench/gen_blobs.py" --n "$n" --d "$d" --k "$k" \
      --seed 1 --out "$data"
  echo "== $name: n=$n d=$d k=$k iters=$iters threads=$threads" >&2

  OMP_WAIT_POLICY=PASSIVE $py "$shared/bench/kmeans_peers.py" --data "$data" \
      --iters "$iters" --seed "$seed" --threads "$threads" --repeats "$repeats" \
      --peers "$peers" --modes native,shared --assign sk-pw-argmin,faiss-flat,np-gemm \
      --c0-cache "$work/c0cache" --max-seconds 900 --json-out "$work/$name.peers.json" \
      > /dev/null
  c0=$work/c0cache/${name}_n${n}_k${k}_s${seed}.f32

  t0=$(now)
  "$vcomm" kmeans --matrix "$data.f32" --dim "$d" --k "$k" --iters "$iters" --tol 0 \
      --seed "$seed" --set threads="$threads" --centroids-out "$work/$name.vcomm.f32" \
      --json > "$work/$name.vcomm.json"
  t1=$(now)
  $py "$shared/bench/eval_centroids.py" --data "$data" --centroids "$work/$name.vcomm.f32" \
      > "$work/$name.vcomm.eval.json"
  "$bench" "$data.f32" "$d" "$k" --iters "$iters" --seed "$seed" --threads "$threads" \
      --init "$c0" --skip-run --repeats 3 > "$work/$name.bench.json"

  $py - "$work/$name" "$t0" "$t1" "$work/fma_peak.txt" <<'EOF'
import json, sys
base, t0, t1, peakf = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
peers = json.load(open(base + ".peers.json"))
vc = json.load(open(base + ".vcomm.json"))
ev = json.load(open(base + ".vcomm.eval.json"))
be = json.load(open(base + ".bench.json"))
fits = {(f["peer"], f["mode"]): f for f in peers["fits"]}
process = t1 - t0
peak = max(float(l.split("best=")[1].split()[0]) for l in open(peakf)
           if "best=" in l and "threads=%d" % be["threads"] in l)
def row(what, vcomm, peer, unit="s"):
    ratio = peer / vcomm if vcomm > 0 else float("inf")
    print(f"  {what:44s} vcomm {vcomm:10.4f}{unit}  peer {peer:10.4f}{unit}  x{ratio:6.2f}")
print(f"{peers['n']} x {peers['d']}, k={peers['k']}, {peers['iters']} iterations, "
      f"{be['threads']} threads, kernel {be['kernel']}")
sk, fa = fits.get(("sk-lloyd", "native")), fits.get(("faiss-full", "native"))
if sk:
    row("whole process vs scikit-learn fit", process, sk["fit_s"])
if fa:
    row("whole process vs faiss full-data fit", process, fa["fit_s"])
row("k-means++ seeding vs scikit-learn", be["seed_s"], peers["init_kmeanspp_s"])
sks = fits.get(("sk-lloyd", "shared"))
if sks:
    row("per iteration from C0 vs scikit-learn Lloyd", be["per_iter_s"], sks["per_iter_s"])
fas = fits.get(("faiss-full", "shared"))
if fas:
    row("per iteration from C0 vs faiss", be["per_iter_s"], fas["per_iter_s"])
best_assign = max(a["gflops"] for a in peers["assign"]) if peers["assign"] else 0
print(f"  assignment pass: vcomm {be['assign_gflops']:.1f} GFLOP/s, best peer "
      f"{best_assign:.1f} GFLOP/s, FMA peak {peak:.1f} GFLOP/s "
      f"({100 * be['assign_gflops'] / peak:.0f}% of peak)")
best = min(f["inertia"] for f in peers["fits"] if f["mode"] == "native")
print(f"  inertia: vcomm {ev['inertia']:.6e} ({vc['iterations']} iterations), best peer "
      f"{best:.6e}: {100 * (ev['inertia'] / best - 1):+.2f}%; ARI {ev['ari']:.4f}")
if sks:
    print(f"  from C0 after {be['iterations']} iterations: vcomm {be['inertia']:.6e}, "
          f"scikit-learn {sks['inertia']:.6e}")
EOF
done
