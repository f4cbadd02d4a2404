# Sourced by submit/yarn-submit.sh and submit/k8s-submit.sh (from the repository root): the executor and driver
# sizes, and the spark-submit settings every cluster launch of dino-spark needs for ND4J. The sizes are starting
# points, not measurements: set them in the environment, or edit them here.

source submit/java17-opens.sh

# Executors, each running TASK_CPUS-core tasks: the student is trained by NUM_EXECUTORS x EXECUTOR_CORES / TASK_CPUS
# tasks at once, and that number is passed as train.workers (total batch = workers x train.batch_size_per_worker;
# 16 x 64 = 1024 for the presets). One task per executor lets ND4J use every core of it through OpenMP; the torch
# engine (train.engine=torch) gives libtorch spark.task.cpus threads in each task.
NUM_EXECUTORS="${NUM_EXECUTORS:-16}"
EXECUTOR_CORES="${EXECUTOR_CORES:-8}"
TASK_CPUS="${TASK_CPUS:-8}"
# JVM heap of each executor. ND4J keeps its arrays off the heap, so the heap can stay small ...
EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-8g}"
# ... and the memory overhead (YARN container or pod: EXECUTOR_MEMORY + this) must hold ND4J's arrays: the
# student's activations for batch_size_per_worker images x 10 crops dominate. ViT-S/16 at 64 images per worker
# ~40g, ViT-B/16 more; lower batch_size_per_worker (and raise NUM_EXECUTORS) if containers are killed for memory.
EXECUTOR_MEMORY_OVERHEAD="${EXECUTOR_MEMORY_OVERHEAD:-40g}"
# JavaCPP's limits: off-heap bytes ND4J may allocate, and the whole process's resident memory (keep it just under
# the container's, so that JavaCPP frees memory before the cluster kills the container).
EXECUTOR_JAVACPP_MAXBYTES="${EXECUTOR_JAVACPP_MAXBYTES:-36g}"
EXECUTOR_JAVACPP_MAXPHYSICALBYTES="${EXECUTOR_JAVACPP_MAXPHYSICALBYTES:-46g}"
# The driver keeps the EMA teacher and receives the averaged student and AdamW state every step.
DRIVER_CORES="${DRIVER_CORES:-4}"
DRIVER_MEMORY="${DRIVER_MEMORY:-16g}"
DRIVER_MEMORY_OVERHEAD="${DRIVER_MEMORY_OVERHEAD:-16g}"
DRIVER_JAVACPP_MAXBYTES="${DRIVER_JAVACPP_MAXBYTES:-14g}"
DRIVER_JAVACPP_MAXPHYSICALBYTES="${DRIVER_JAVACPP_MAXPHYSICALBYTES:-30g}"
# Parameter averaging returns parameters + AdamW state (~0.5 GB for ViT-S, ~1.2 GB for ViT-B) from each of a few
# partial aggregates to the driver every step: Spark's 1g default result limit is too small.
DRIVER_MAX_RESULT_SIZE="${DRIVER_MAX_RESULT_SIZE:-8g}"

# GPUs per executor for the torch engine (the -Ptorch-gpu jar): 0 for CPU executors. With GPUS > 0 every task gets
# one GPU (spark.task.resource.gpu.amount=1) and trains on it (cuda:<its address>), an executor runs GPUS tasks of
# EXECUTOR_CORES / GPUS cores each, and train.workers = NUM_EXECUTORS x GPUS. Spark finds each executor's GPUs with
# GPU_DISCOVERY_SCRIPT (submit/getGpusResources.sh, a path on the nodes). CUDA_LIBRARY_PATH, when the node's CUDA 13
# libraries, cuDNN 9 and NCCL are not on the loader's default path, goes to the executors' LD_LIBRARY_PATH. The driver
# needs no GPU: it only averages and keeps the teacher.
GPUS="${GPUS:-0}"
GPU_DISCOVERY_SCRIPT="${GPU_DISCOVERY_SCRIPT:-/opt/dino-spark/getGpusResources.sh}"
CUDA_LIBRARY_PATH="${CUDA_LIBRARY_PATH:-}"

# Sets WORKERS (= train.workers) and the array cluster_args: the main class, executor and driver sizes, one task
# per TASK_CPUS cores (per GPU with GPUS > 0, and the GPU settings above), no dynamic allocation, OpenMP threads
# (sleeping when idle: spinning ones cost both engines 2-4x on a small machine), and the JVM options (the Java 17
# opens kept once in pom.xml, JavaCPP's limits, JAVACPP_CACHE) for driver and executors. $1 names the launcher in
# error messages.
cluster_spark_args() {
  local opens
  opens="$(java17_opens)"
  [ -n "$opens" ] || { echo "$1: java17.opens not found in pom.xml" >&2; exit 2; }
  [ "$GPUS" -eq 0 ] || TASK_CPUS=$(( EXECUTOR_CORES / GPUS ))
  [ "$TASK_CPUS" -gt 0 ] || { echo "$1: EXECUTOR_CORES ($EXECUTOR_CORES) must be at least GPUS ($GPUS)" >&2; exit 2; }
  WORKERS=$(( NUM_EXECUTORS * (EXECUTOR_CORES / TASK_CPUS) ))
  local javacpp="-Dorg.bytedeco.javacpp.cachedir=$JAVACPP_CACHE"
  cluster_args=(
    --class io.dinospark.cli.DinoSpark
    --conf spark.executor.instances="$NUM_EXECUTORS"
    --conf spark.executor.cores="$EXECUTOR_CORES"
    --conf spark.executor.memory="$EXECUTOR_MEMORY"
    --conf spark.executor.memoryOverhead="$EXECUTOR_MEMORY_OVERHEAD"
    --conf spark.driver.cores="$DRIVER_CORES"
    --conf spark.driver.memory="$DRIVER_MEMORY"
    --conf spark.driver.memoryOverhead="$DRIVER_MEMORY_OVERHEAD"
    --conf spark.driver.maxResultSize="$DRIVER_MAX_RESULT_SIZE"
    --conf spark.task.cpus="$TASK_CPUS"
    --conf spark.dynamicAllocation.enabled=false
    --conf spark.executorEnv.OMP_NUM_THREADS="$TASK_CPUS"
    --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE
    --conf "spark.driver.extraJavaOptions=$opens -Dorg.bytedeco.javacpp.maxbytes=$DRIVER_JAVACPP_MAXBYTES -Dorg.bytedeco.javacpp.maxphysicalbytes=$DRIVER_JAVACPP_MAXPHYSICALBYTES $javacpp"
    --conf "spark.executor.extraJavaOptions=$opens -Dorg.bytedeco.javacpp.maxbytes=$EXECUTOR_JAVACPP_MAXBYTES -Dorg.bytedeco.javacpp.maxphysicalbytes=$EXECUTOR_JAVACPP_MAXPHYSICALBYTES $javacpp"
  )
  if [ "$GPUS" -gt 0 ]; then
    cluster_args+=(
      --conf spark.executor.resource.gpu.amount="$GPUS"
      --conf spark.executor.resource.gpu.discoveryScript="$GPU_DISCOVERY_SCRIPT"
      --conf spark.task.resource.gpu.amount=1
    )
    [ -z "$CUDA_LIBRARY_PATH" ] || cluster_args+=(--conf spark.executorEnv.LD_LIBRARY_PATH="$CUDA_LIBRARY_PATH")
  fi
}
