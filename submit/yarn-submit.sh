#!/usr/bin/env bash
# Launches dino-spark `train` on a YARN cluster: spark-submit --master yarn --deploy-mode cluster with the cluster
# jar, the config file shipped with --files, and the JVM flags and memory settings ND4J needs.
#
# Fill in (edit the defaults below, or set them as environment variables):
#   OUTPUT                   the run directory (any Hadoop URI); rerunning with the same OUTPUT resumes from its
#                            latest checkpoint
#   CONFIG                   the preset (conf/...); its data.root must point at your training images
#   QUEUE, NUM_EXECUTORS, EXECUTOR_CORES, memory sizes: what your cluster grants
#   SPARK_SUBMIT             spark-submit of Spark 3.5 built for Scala 2.13 (spark-3.5.x-bin-hadoop3-scala2.13), on Java 17
# Build the jar first: mvn -B package -DskipTests (CPU) or mvn -B -Pcuda package -DskipTests (GPU executors with the
# CUDA 11.6 runtime). On a Kerberos cluster, kinit first (or add --principal/--keytab to EXTRA_SPARK_ARGS).
#
# Usage: submit/yarn-submit.sh [--steps N] [key=value ...]     (arguments are passed on to `train`, after the config)
# Logs: yarn logs -applicationId <id>; progress: <OUTPUT>/metrics.jsonl (see submit/notebook.ipynb).
set -euo pipefail
cd "$(dirname "$0")/.."

# ---- fill in -------------------------------------------------------------------------------------------------
# spark-submit of a Spark 3.5 / Scala 2.13 distribution whose conf/ points at your YARN cluster (HADOOP_CONF_DIR).
SPARK_SUBMIT="${SPARK_SUBMIT:-spark-submit}"
# The preset to run, relative to the repository root; it is uploaded with --files.
CONFIG="${CONFIG:-conf/imagenet-vit-small.conf}"
# Run directory: config.conf, metrics.jsonl and checkpoints/ go here.
OUTPUT="${OUTPUT:-hdfs:///user/<your-user>/dino-runs/imagenet-vit-small}"
# The cluster jar (a local path, or an hdfs:// copy to skip the upload on every launch).
JAR="${JAR:-target/dino-spark-0.1.0-SNAPSHOT-cluster.jar}"
# YARN queue and application name.
QUEUE="${QUEUE:-default}"
APP_NAME="${APP_NAME:-dino-spark}"
# Executors, each running TASK_CPUS-core tasks: the student is trained by NUM_EXECUTORS x EXECUTOR_CORES / TASK_CPUS
# tasks at once, and that number is passed as train.workers (total batch = workers x train.batch_size_per_worker;
# 16 x 64 = 1024 for the presets). One task per executor lets ND4J use every core of it through OpenMP.
NUM_EXECUTORS="${NUM_EXECUTORS:-16}"
EXECUTOR_CORES="${EXECUTOR_CORES:-8}"
TASK_CPUS="${TASK_CPUS:-8}"
# JVM heap of each executor. ND4J keeps its arrays off the heap, so the heap can stay small ...
EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-8g}"
# ... and the YARN memory overhead must hold ND4J's arrays: the student's activations for batch_size_per_worker
# images x 10 crops dominate. Starting points, not measurements: ViT-S/16 at 64 images per worker ~40g, ViT-B/16
# more; lower batch_size_per_worker (and raise NUM_EXECUTORS) if containers are killed for exceeding memory.
EXECUTOR_MEMORY_OVERHEAD="${EXECUTOR_MEMORY_OVERHEAD:-40g}"
# JavaCPP's limits: off-heap bytes ND4J may allocate, and the whole process's resident memory (keep it just under
# the container's EXECUTOR_MEMORY + EXECUTOR_MEMORY_OVERHEAD so JavaCPP frees memory before YARN kills the container).
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
# Where JavaCPP extracts its ~400 MB of natives on each node (relative: the container's working directory).
JAVACPP_CACHE="${JAVACPP_CACHE:-javacpp-cache}"
# Anything else for spark-submit, e.g. "--principal <you>@<REALM> --keytab <path>", or Kryo instead of Java
# serialization: "--conf spark.serializer=org.apache.spark.serializer.KryoSerializer
# --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator" (DL4J refuses Kryo without the registrator).
EXTRA_SPARK_ARGS="${EXTRA_SPARK_ARGS:-}"
# ---------------------------------------------------------------------------------------------------------------

case "$OUTPUT" in *'<'*) echo "yarn-submit.sh: set OUTPUT (now $OUTPUT)" >&2; exit 2 ;; esac
[ -f "$CONFIG" ] || { echo "yarn-submit.sh: no config file $CONFIG" >&2; exit 2; }
case "$JAR" in
  *://*) ;;
  *) [ -f "$JAR" ] || { echo "yarn-submit.sh: no $JAR; build it with mvn -B package -DskipTests" >&2; exit 2; } ;;
esac
# The Java 17 module opens ND4J and DL4J need, kept once in pom.xml (spark-submit adds Spark's own).
OPENS="$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' pom.xml)"
[ -n "$OPENS" ] || { echo "yarn-submit.sh: java17.opens not found in pom.xml" >&2; exit 2; }
WORKERS=$(( NUM_EXECUTORS * (EXECUTOR_CORES / TASK_CPUS) ))
read -r -a extra <<< "$EXTRA_SPARK_ARGS"

exec "$SPARK_SUBMIT" \
  --master yarn --deploy-mode cluster \
  --name "$APP_NAME" --queue "$QUEUE" \
  --class io.dinospark.cli.DinoSpark \
  --num-executors "$NUM_EXECUTORS" --executor-cores "$EXECUTOR_CORES" --executor-memory "$EXECUTOR_MEMORY" \
  --driver-cores "$DRIVER_CORES" --driver-memory "$DRIVER_MEMORY" \
  --files "$CONFIG" \
  --conf spark.task.cpus="$TASK_CPUS" \
  --conf spark.dynamicAllocation.enabled=false \
  --conf spark.executor.memoryOverhead="$EXECUTOR_MEMORY_OVERHEAD" \
  --conf spark.driver.memoryOverhead="$DRIVER_MEMORY_OVERHEAD" \
  --conf spark.driver.maxResultSize="$DRIVER_MAX_RESULT_SIZE" \
  --conf spark.executorEnv.OMP_NUM_THREADS="$TASK_CPUS" \
  --conf spark.yarn.appMasterEnv.OMP_NUM_THREADS="$DRIVER_CORES" \
  --conf "spark.driver.extraJavaOptions=$OPENS -Dorg.bytedeco.javacpp.maxbytes=$DRIVER_JAVACPP_MAXBYTES -Dorg.bytedeco.javacpp.maxphysicalbytes=$DRIVER_JAVACPP_MAXPHYSICALBYTES -Dorg.bytedeco.javacpp.cachedir=$JAVACPP_CACHE" \
  --conf "spark.executor.extraJavaOptions=$OPENS -Dorg.bytedeco.javacpp.maxbytes=$EXECUTOR_JAVACPP_MAXBYTES -Dorg.bytedeco.javacpp.maxphysicalbytes=$EXECUTOR_JAVACPP_MAXPHYSICALBYTES -Dorg.bytedeco.javacpp.cachedir=$JAVACPP_CACHE" \
  ${extra[@]+"${extra[@]}"} \
  "$JAR" train --config "$(basename "$CONFIG")" --output "$OUTPUT" "train.workers=$WORKERS" "$@"
