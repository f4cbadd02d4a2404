#!/usr/bin/env bash
# Runs on the lent GPU machine (or here with DEVICE=cpu, the rehearsal) after prepare.sh's pieces were carried to
# target/gpu-bench/pieces: reassembles them, points the loader at the CUDA 13 libraries of the machine's pip PyTorch
# (site-packages/nvidia/*/lib), then
#   1. the torch engine's ViT-S/16 student step (2x224 + 8x96, K 65536), one task, at doubling batches up to the
#      largest that fits (GpuStepBenchmark speed): images/s and crops/s, and the GPU memory used (nvidia-smi);
#   2. the same model in the machine's own PyTorch at that batch (src/test/python/dino_student_step.py), inputs kept
#      on the GPU and inputs from host memory as the engine's; the ratio is the figure;
#   3. one step's loss on the device against the CPU's, same parameters and inputs (GpuStepBenchmark check).
# Results: $OUT (default target/gpu-bench/out), summary.json last. Settings: DEVICE (cuda:0), SHAPE (vit-small),
# MAX_BATCH (1024), STEPS (5), CHECK_BATCH (2), PYTHON (python3).
set -euo pipefail
cd "$(dirname "$0")/../.."
DEVICE="${DEVICE:-cuda:0}"
SHAPE="${SHAPE:-vit-small}"
MAX_BATCH="${MAX_BATCH:-1024}"
STEPS="${STEPS:-5}"
CHECK_BATCH="${CHECK_BATCH:-2}"
PYTHON="${PYTHON:-python3}"
out="${OUT:-$PWD/target/gpu-bench/out}"
work="$PWD/target/gpu-bench/run"
mkdir -p "$out"
rm -rf "$work"
mkdir -p "$work"
cat target/gpu-bench/pieces/bundle.tar.* | tar x -C "$work"
bundle="$work/bundle"
gpu=false
[ "$DEVICE" = cpu ] || gpu=true
if $gpu; then
  site="$("$PYTHON" -c 'import os, torch; print(os.path.dirname(os.path.dirname(torch.__file__)))')"
  cuda_libs="$(find "$site/nvidia" -name 'lib*.so*' -printf '%h\n' | sort -u | paste -sd: -)"
  export LD_LIBRARY_PATH="$cuda_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv | tee "$out/gpu.csv"
  "$PYTHON" submit/gpu-kernel-check.py "$bundle"/lib/pytorch-*-linux-x86_64-gpu.jar | tee "$out/kernel-check.txt"
fi
export OMP_WAIT_POLICY=PASSIVE
read -r -a opens < "$bundle/java17-opens.txt"
java=("$bundle/jre/bin/java" -Xmx48g "${opens[@]}" "-Dorg.bytedeco.javacpp.cachedir=$work/javacpp" -cp "$bundle/lib/*")

# Runs "$@" with its output in $out/$1.jsonl; on a GPU also its peak GPU memory, sampled every 250 ms. Returns the
# phase's status after stopping the sampler and writing the memory line, so that a failing phase (which ends the
# script under set -e) leaves no sampler running and still says how much memory it had used.
measure() {
  local name="$1" sampler="" status=0 peak
  shift
  if $gpu; then
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 250 > "$out/$name.memory-mib" &
    sampler=$!
  fi
  "$@" | tee "$out/$name.jsonl" || status=$?
  if [ -n "$sampler" ]; then
    kill "$sampler" 2> /dev/null || true
    wait "$sampler" 2> /dev/null || true
    peak="$(sort -n "$out/$name.memory-mib" | tail -1)"
    echo "{\"phase\": \"$name\", \"status\": $status, \"peak_gpu_memory_mib\": ${peak:-null}}" \
      | tee -a "$out/memory.jsonl"
  fi
  return "$status"
}

measure engine "${java[@]}" io.dinospark.engine.torch.GpuStepBenchmark speed "$DEVICE" "$SHAPE" "$MAX_BATCH" "$STEPS"
batch="$("$PYTHON" -c 'import json, sys; print(json.loads(sys.stdin.read().splitlines()[-1])["batch"])' < "$out/engine.jsonl")"
measure peer "$PYTHON" src/test/python/dino_student_step.py "$SHAPE" "$batch" "$STEPS" --device "$DEVICE"
measure peer-host-inputs "$PYTHON" src/test/python/dino_student_step.py "$SHAPE" "$batch" "$STEPS" --device "$DEVICE" --host-inputs
measure check "${java[@]}" io.dinospark.engine.torch.GpuStepBenchmark check "$DEVICE" "$SHAPE" "$CHECK_BATCH" 1
"$PYTHON" - "$out" <<'PY' | tee "$out/summary.json"
import json, sys
out = sys.argv[1]
last = lambda name: json.loads(open(f"{out}/{name}.jsonl").read().splitlines()[-1])
engine, peer, peer_host, check = last("engine"), last("peer"), last("peer-host-inputs"), last("check")
print(json.dumps({"device": engine["device"], "shape": engine["shape"], "largest_batch": engine["batch"],
                  "engine_images_per_s": engine["images_per_s"], "pytorch_images_per_s": peer["images_per_s"],
                  "pytorch_host_inputs_images_per_s": peer_host["images_per_s"], "pytorch": peer["torch"],
                  "ratio": engine["images_per_s"] / peer["images_per_s"],
                  "ratio_host_inputs": engine["images_per_s"] / peer_host["images_per_s"],
                  "loss_equal": check["equal"], "loss_relative_difference": check["relative_difference"]}))
PY
