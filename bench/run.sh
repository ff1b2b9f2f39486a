#!/usr/bin/env bash
# bench/run.sh - rnnc's generated C against ONNX Runtime (CPU, one thread), in one run on one
# machine, alternating between the two. See bench/README.md.
#
# Usage: bench/run.sh [--smoke] [--iters N] [--reps R] [--max-seconds S] [--only W1,W2,...]
#                     [--out DIR] [--no-build]
#   --smoke         one call per workload, correctness only (rnnc vs its reference
#                   interpreter, vs ONNX Runtime when it is installed, step vs run); no timing
#                   claims, no network; < 60 s.
#   --iters N       timed samples per measurement (default 200; fewer when --max-seconds runs out)
#   --reps R        times the whole alternated sequence is repeated (default 3; best median kept)
#   --max-seconds S time budget of one measurement (default 5)
#   --only LIST     comma-separated workloads (default: all, see gen_models.py --list)
#   --out DIR       work directory (default bench/out)
#   --no-build      use the rnnc build as it is (default: cmake --build it first)
#   --weights LIST  also each of these precisions (e.g. "f16 bf16 i8"): every workload compiled
#                   with rnnc --weights P and run as the row "W (--weights P)", alternated with
#                   the others; its "max abs diff vs ORT" is the error the precision costs
#                   against ONNX Runtime on the fp32 model (gated at 0.1, not a tolerance)
# Environment: CC (default cc), CFLAGS (default -O2) for the generated code and the harness;
# RNNC_BUILD (default <repo>/build) the rnnc build tree to use (configured Release if missing);
# ORT_NODE_MODULES a node_modules directory holding onnxruntime-node (default bench/node_modules,
# installed there with npm when missing, except with --smoke); BENCH_PIN=0 to not pin the
# harnesses to one CPU with taskset (default: the last CPU); PYTHON (default python3).
set -euo pipefail

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
smoke=0 iters=200 reps=3 max_seconds=5 only="" out="$bench/out" build=1 warmup=20 precs=""
while [ $# -gt 0 ]; do
    case "$1" in
    --smoke) smoke=1 ;;
    --iters) iters=$2; shift ;;
    --reps) reps=$2; shift ;;
    --max-seconds) max_seconds=$2; shift ;;
    --only) only=$2; shift ;;
    --out) out=$2; shift ;;
    --no-build) build=0 ;;
    --weights) precs=$(echo "$2" | tr ',' ' ' | sed 's/\bf32\b//g'); shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if [ "$smoke" = 1 ]; then
    iters=1 reps=1 max_seconds=0 warmup=0
fi

PYTHON=${PYTHON:-python3}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
RNNC_BUILD=${RNNC_BUILD:-$root/build}
export OPENBLAS_NUM_THREADS=1 # ONNX Runtime runs on one thread: so does OpenBLAS
t_start=$(date +%s)

say() { echo "== $*" >&2; }
die() { echo "run.sh: error: $*" >&2; exit 1; }

# ---- rnnc and its runtime ------------------------------------------------------------------
if [ "$build" = 1 ]; then
    if [ ! -f "$RNNC_BUILD/CMakeCache.txt" ]; then
        say "configuring $RNNC_BUILD (Release)"
        cmake -S "$root" -B "$RNNC_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    fi
    say "building rnnc and librnnrt.a in $RNNC_BUILD"
    cmake --build "$RNNC_BUILD" -j2 --target rnnc rnnrt >/dev/null
fi
rnnc="$RNNC_BUILD/rnnc"
rtlib="$RNNC_BUILD/librnnrt.a"
if [ ! -x "$rnnc" ] || [ ! -f "$rtlib" ]; then
    die "no $rnnc or $rtlib (build rnnc first, or drop --no-build)"
fi
rt_build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$RNNC_BUILD/CMakeCache.txt" 2>/dev/null || true)
# The runtime header comes from the source tree that build was configured from.
rnnc_src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$RNNC_BUILD/CMakeCache.txt" 2>/dev/null || true)
rnnc_src=${rnnc_src:-$root}
rtinc="$rnnc_src/runtime/include"
rnnc_rev=$(git -C "$rnnc_src" describe --always --dirty 2>/dev/null || echo "unknown (not a git tree)")
libs="-lm"
openblas_def=""
if grep -q '^RNNRT_OPENBLAS:BOOL=ON' "$RNNC_BUILD/CMakeCache.txt" 2>/dev/null; then
    libs="-lopenblas -lm"
    openblas_def="-DBENCH_OPENBLAS"
fi

# ---- models --------------------------------------------------------------------------------
# Only what this script writes is removed (--out may name an existing directory).
rm -rf "${out:?}/models" "${out:?}/gen" "${out:?}/bin" "${out:?}/run" "${out:?}/interp" \
    "${out:?}/results.jsonl" "${out:?}/results.md"
mkdir -p "$out/models" "$out/gen" "$out/bin" "$out/run" "$out/interp"
results="$out/results.jsonl"
: >"$results"
all=$("$PYTHON" "$bench/gen_models.py" --list)
workloads=${only:+$(echo "$only" | tr ',' ' ')}
workloads=${workloads:-$all}
# shellcheck disable=SC2086 # one workload name per word
only_csv=$(printf '%s\n' $workloads | paste -sd, -)
say "generating models (bench/gen_models.py, fixed seeds) into $out/models"
"$PYTHON" "$bench/gen_models.py" --out "$out/models" --only "$only_csv"
# The committed small models must be what the generator writes now.
for f in "$bench"/models/*.onnx; do
    [ -e "$f" ] || continue
    g="$out/models/$(basename "$f")"
    [ -e "$g" ] || continue
    cmp -s "$f" "$g" || die "$f differs from what gen_models.py generates ($g): regenerate bench/models"
done
if [ "$smoke" = 0 ] && /usr/bin/python3 -c 'import onnx' 2>/dev/null; then
    /usr/bin/python3 - "$out/models" <<'EOF'
import glob, sys, onnx
for f in sorted(glob.glob(sys.argv[1] + "/*.onnx")):
    onnx.checker.check_model(onnx.load(f), full_check=True)
print("== models pass onnx.checker (onnx %s)" % onnx.__version__, file=sys.stderr)
EOF
fi

jget() { "$PYTHON" -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(",".join(map(str,v)) if isinstance(v,list) else ("" if v is None else v))' "$1" "$2"; }

# ---- ONNX Runtime ----------------------------------------------------------------------------
ort_dir=""
if command -v node >/dev/null; then
    if [ -n "${ORT_NODE_MODULES:-}" ] && [ -d "$ORT_NODE_MODULES/onnxruntime-node" ]; then
        ort_dir=$(cd "$ORT_NODE_MODULES" && pwd)
    elif [ -d "$bench/node_modules/onnxruntime-node" ]; then
        ort_dir="$bench/node_modules"
    elif [ "$smoke" = 0 ]; then
        say "installing onnxruntime-node into bench/node_modules (npm, bench/package.json)"
        (cd "$bench" && npm install --ignore-scripts --no-package-lock --no-audit --no-fund >&2)
        ort_dir="$bench/node_modules"
    fi
fi
if [ -z "$ort_dir" ]; then
    [ "$smoke" = 1 ] || die "ONNX Runtime is needed: install node and npm"
    echo "########################################################################" >&2
    echo "## run.sh --smoke: ONNX Runtime (onnxruntime-node) not found: SKIPPING the" >&2
    echo "## comparison with ONNX Runtime; rnnc is checked against its reference" >&2
    echo "## interpreter and step against run only. Set ORT_NODE_MODULES or run" >&2
    echo "## (cd bench && npm install --ignore-scripts --no-package-lock) to include it." >&2
    echo "########################################################################" >&2
else
    say "ONNX Runtime: $ort_dir/onnxruntime-node"
fi

# ---- environment record ---------------------------------------------------------------------
pin=""
if [ "${BENCH_PIN:-1}" != 0 ] && command -v taskset >/dev/null; then
    pin="taskset -c $(($(nproc) - 1))"
fi
"$PYTHON" - "$bench" "$CC" "$CFLAGS" "$reps" "$iters" "$rt_build_type" "$rtlib" "$pin" "$smoke" \
    "$rnnc_src" "$rnnc_rev" "$($CC --version | head -1)" >>"$results" <<'EOF'
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
import report
print(json.dumps({"kind": "env", "date": time.strftime("%Y-%m-%d %H:%M %Z"), "cpu": report.cpu_info(),
                  "cc": sys.argv[2], "cflags": sys.argv[3], "reps": int(sys.argv[4]), "iters": int(sys.argv[5]),
                  "runtime_build_type": sys.argv[6], "runtime_lib": sys.argv[7], "pin": sys.argv[8],
                  "smoke": sys.argv[9] == "1", "rnnc_source": sys.argv[10], "rnnc_revision": sys.argv[11],
                  "cc_version": sys.argv[12],
                  "openblas_env": "OPENBLAS_CORETYPE=%s OPENBLAS_L2_SIZE=%s" % (
                      os.environ.get("OPENBLAS_CORETYPE", "(unset)"), os.environ.get("OPENBLAS_L2_SIZE", "(unset)"))}))
EOF
say "compiler: $CC $CFLAGS ($($CC --version | head -1))"
if [ "$smoke" = 0 ]; then # measured FMA throughput, next to the peak assumed from /proc/cpuinfo
    $CC -std=c99 -O2 -march=native "$bench/peak.c" -o "$out/bin/peak" 2>/dev/null ||
        $CC -std=c99 -O2 "$bench/peak.c" -o "$out/bin/peak"
    # shellcheck disable=SC2086
    $pin "$out/bin/peak" | tee -a "$results" >&2
    # read bandwidth at the size of each workload's packed R (one direction): its memory floor
    $CC -std=c99 -O2 -march=native "$bench/membw.c" -o "$out/bin/membw" 2>/dev/null ||
        $CC -std=c99 -O2 "$bench/membw.c" -o "$out/bin/membw"
    # shellcheck disable=SC2046,SC2086 # one size per word
    $pin "$out/bin/membw" $("$PYTHON" "$bench/report.py" r-kb $workloads) | tee -a "$results" >&2
fi

# ---- compile every workload --------------------------------------------------------------------
for w in $workloads; do
    m="$out/models/$w.onnx"
    g="$out/gen/$w"
    "$rnnc" compile "$m" -o "$g" --name net
    stream_model=$(jget "$out/models/$w.json" stream_model)
    srcs="$g/net.c"
    defs="$openblas_def"
    if [ -n "$stream_model" ]; then
        "$rnnc" compile "$out/models/$stream_model" -o "$g" --name nets --stream
        srcs="$srcs $g/nets.c"
        defs="$defs -DBENCH_STREAM"
    fi
    # shellcheck disable=SC2086 # CC and CFLAGS are word lists
    $CC -std=c99 $CFLAGS -I "$rtinc" -c "$g/net.c" -o "$g/net.o"
    objs="$g/net.o"
    if [ -n "$stream_model" ]; then
        # shellcheck disable=SC2086
        $CC -std=c99 $CFLAGS -I "$rtinc" -c "$g/nets.c" -o "$g/nets.o"
        objs="$objs $g/nets.o"
    fi
    # shellcheck disable=SC2086
    $CC -std=c99 $CFLAGS -Wall -Wextra -I "$g" -I "$rtinc" $defs \
        "$bench/bench_rnnc.c" $objs "$rtlib" $libs -o "$out/bin/bench_$w"
    info=$("$rnnc" info "$m")
    flops=$(echo "$info" | sed -n 's/^flops per inference: \([0-9]*\).*/\1/p')
    text_rodata=$(size -A "$g/net.o" | awk '$1 == ".text" || $1 ~ /^\.rodata/ { s += $2 } END { print s }')
    unroll=$(sed -n 's/.*Unrolling: \([a-z]*\)\..*/\1/p' "$g/net.c" | head -1)
    loops=$(echo "$info" | grep -q 'with loops' && echo loops || echo 'no loops')
    n_gemm=$(grep -c 'rnnrt_gemm_f32(' "$g/net.c" || true)
    n_gemv=$(grep -c 'rnnrt_gemv_f32(' "$g/net.c" || true)
    n_pg=$(grep -c 'rnnrt_pgemm_f32(' "$g/net.c" || true)
    n_cell=$(grep -cE 'rnnrt_(lstm|gru|rnn)_cell_f32\(' "$g/net.c" || true)
    extra_tags=""
    [ "$w" = lstm_batch ] && [ -n "$openblas_def" ] && extra_tags='"openblas-auto"'
    for p in $precs; do extra_tags="${extra_tags:+$extra_tags, }\"$p\""; done
    extra_tags="[$extra_tags]"
    "$PYTHON" - "$out/models/$w.json" "$flops" "$text_rodata" "$unroll" "$loops" "$n_gemm" "$n_gemv" \
        "$extra_tags" "$n_pg" "$n_cell" >>"$results" <<'EOF'
import json, sys
meta = json.load(open(sys.argv[1]))
n_gemm, n_gemv, d = int(sys.argv[6]), int(sys.argv[7]), meta["directions"]
n_pg, n_cell = int(sys.argv[9]), int(sys.argv[10])
if n_pg:
    # rnnc's packed kernels: per direction one for X.W^T (all steps), one for R.h per step
    gemm = "packed kernels (X·Wᵀ, R·h)%s" % (", runtime cell" if n_cell else "")
else:
    # Per direction: one GEMM is the input projection X.W^T of all steps; the recurrent product
    # R.h goes through a further GEMM (batch > 1), a GEMV, or the generated loops.
    rec = "R·h GEMM" if n_gemm > d else ("R·h GEMV" if n_gemv else "R·h loops")
    gemm = ("BLAS X·Wᵀ GEMM, " if n_gemm else "X·Wᵀ loops, ") + rec if (n_gemm or n_gemv) else "inline loops"
print(json.dumps({"kind": "build", "workload": meta["name"], "flops": int(sys.argv[2]),
                  "matmul_flops": meta["matmul_flops"], "text_rodata": int(sys.argv[3]),
                  "policy": "%s (%s)" % (sys.argv[4], sys.argv[5]), "gemm": gemm,
                  "gemm_calls": n_gemm, "gemv_calls": n_gemv, "extra_tags": json.loads(sys.argv[8]),
                  "stream_model": meta["stream_model"]}))
EOF
    say "$w: compiled ($(tail -1 "$results"))"
    for p in $precs; do # the same workload with reduced-precision weights
        gp="$g.$p"
        "$rnnc" compile "$m" -o "$gp" --name net --weights "$p"
        # shellcheck disable=SC2086
        $CC -std=c99 $CFLAGS -I "$rtinc" -c "$gp/net.c" -o "$gp/net.o"
        objs="$gp/net.o"
        if [ -n "$stream_model" ]; then
            "$rnnc" compile "$out/models/$stream_model" -o "$gp" --name nets --stream --weights "$p"
            # shellcheck disable=SC2086
            $CC -std=c99 $CFLAGS -I "$rtinc" -c "$gp/nets.c" -o "$gp/nets.o"
            objs="$objs $gp/nets.o"
        fi
        # shellcheck disable=SC2086
        $CC -std=c99 $CFLAGS -Wall -Wextra -I "$gp" -I "$rtinc" $defs \
            "$bench/bench_rnnc.c" $objs "$rtlib" $libs -o "$out/bin/bench_$w.$p"
        tr=$(size -A "$gp/net.o" | awk '$1 == ".text" || $1 ~ /^\.rodata/ { s += $2 } END { print s }')
        echo "{\"kind\": \"build_weights\", \"workload\": \"$w\", \"tag\": \"$p\", \"text_rodata\": $tr}" >>"$results"
    done
done

# ---- run: rnnc A, ORT A, rnnc B, ORT B, ...; the whole sequence $reps times ------------------
run_rnnc() { # workload tag [env prefix...]
    local w=$1 tag=$2
    shift 2
    local bin="$out/bin/bench_$w"
    [ -x "$bin.$tag" ] && bin="$bin.$tag" # a --weights build
    # shellcheck disable=SC2086
    "$@" $pin "$bin" --input "$out/models/$w.x.bin" --out "$out/run/$w${tag:+.$tag}.out.bin" \
        --iters "$iters" --warmup "$warmup" --max-seconds "$max_seconds" --workload "$w" --tag "$tag" \
        | tee -a "$results" >&2 || die "$w: rnnc harness failed"
}
run_ort() { # workload tag [env prefix...]
    local w=$1 tag=$2 atol=1e-4
    shift 2
    [ -x "$out/bin/bench_$w.$tag" ] && atol=0.1 # reduced-precision weights: a sanity gate
    [ -n "$ort_dir" ] || return 0
    # shellcheck disable=SC2086
    "$@" env ORT_NODE_MODULES="$ort_dir" $pin node "$bench/bench_ort.js" --model "$out/models/$w.onnx" \
        --identity "$out/models/$w.identity.onnx" --input "$out/models/$w.x.bin" \
        --shape "$(jget "$out/models/$w.json" x_dims)" --rnnc-out "$out/run/$w${tag:+.$tag}.out.bin" --atol "$atol" \
        --iters "$iters" --warmup "$warmup" --max-seconds "$max_seconds" --workload "$w" --tag "$tag" \
        | tee -a "$results" >&2 || die "$w: ONNX Runtime harness failed or outputs differ"
}
for rep in $(seq 1 "$reps"); do
    say "repetition $rep/$reps"
    for w in $workloads; do
        run_rnnc "$w" ""
        run_ort "$w" ""
        if [ "$rep" = 1 ]; then # rnnc's reference interpreter on the same input (double accumulation)
            "$rnnc" run "$out/models/$w.onnx" --input-dir "$out/models/$w" --output-dir "$out/interp/$w" >/dev/null
            "$PYTHON" "$bench/report.py" compare-pb "$out/run/$w.out.bin" "$out/interp/$w" \
                "$(jget "$out/models/$w.json" outputs | tr ',' '\n' | wc -l)" 1e-4 "$w" \
                | tee -a "$results" >&2 || die "$w: rnnc's generated code and its interpreter differ"
        fi
        for p in $precs; do
            run_rnnc "$w" "$p"
            run_ort "$w" "$p"
        done
        if [ "$w" = lstm_batch ] && [ -n "$openblas_def" ]; then
            # OpenBLAS choosing its own kernel: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for
            # these two commands only.
            run_rnnc "$w" openblas-auto env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE
            run_ort "$w" openblas-auto env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE
        fi
    done
done

# ---- report ----------------------------------------------------------------------------------
echo
if [ "$smoke" = 1 ]; then
    echo "run.sh --smoke: correctness only (one call per workload; no timing claims)"
    "$PYTHON" "$bench/report.py" table "$results" --smoke --md "$out/results.md"
else
    "$PYTHON" "$bench/report.py" table "$results" --md "$out/results.md"
fi
echo
echo "results: $results, table: $out/results.md ($(($(date +%s) - t_start)) s)"
