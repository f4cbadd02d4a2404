#!/usr/bin/env bash
# Launches dino-spark `train` on a YARN cluster: spark-submit --master yarn --deploy-mode cluster with the cluster
# jar, the config file shipped with --files, and the JVM flags and memory settings ND4J needs.
#
# Fill in (edit the defaults below, or set them as environment variables):
#   OUTPUT                   the run directory (any Hadoop URI); rerunning with the same OUTPUT resumes from its
#                            latest checkpoint
#   CONFIG                   the preset (conf/...); its data.root must point at your training images
#   QUEUE                    the YARN queue
#   NUM_EXECUTORS, EXECUTOR_CORES, memory sizes: what your cluster grants (submit/cluster-settings.sh)
#   SPARK_SUBMIT             spark-submit of Spark 3.5 built for Scala 2.13 (spark-3.5.x-bin-hadoop3-scala2.13), on Java 17
#   GPUS                     GPUs per executor for the torch engine (default 0, CPU executors): one per task, found
#                            by GPU_DISCOVERY_SCRIPT on the nodes; CUDA_LIBRARY_PATH if CUDA 13, cuDNN 9 and NCCL are
#                            off the NodeManagers' default loader path (submit/cluster-settings.sh)
# Build the jar first: mvn -B package -DskipTests (CPU, both engines; train.engine = torch by default), or with
# -Ptorch-gpu for GPUS > 0 (libtorch's CUDA 13 build; needs YARN's GPU scheduling, yarn.io/gpu, on the NodeManagers).
# On a Kerberos cluster, kinit first (or add --principal/--keytab to EXTRA_SPARK_ARGS).
#
# Usage: submit/yarn-submit.sh [--steps N] [key=value ...]     (arguments are passed on to `train`, after the config)
# Logs: yarn logs -applicationId <id>; progress: <OUTPUT>/metrics.jsonl (see submit/notebook.ipynb).
set -euo pipefail
cd "$(dirname "$0")/.."

# ---- fill in (executor and driver sizes: submit/cluster-settings.sh) ---------------------------------------
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
# Where JavaCPP extracts its ~400 MB of natives on each node (relative: the container's working directory).
JAVACPP_CACHE="${JAVACPP_CACHE:-javacpp-cache}"
# Anything else for spark-submit, e.g. "--principal <you>@<REALM> --keytab <path>", or Kryo instead of Java
# serialization: "--conf spark.serializer=org.apache.spark.serializer.KryoSerializer
# --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator" (DL4J refuses Kryo without the registrator).
EXTRA_SPARK_ARGS="${EXTRA_SPARK_ARGS:-}"
# ---------------------------------------------------------------------------------------------------------------
source submit/cluster-settings.sh

case "$OUTPUT" in *'<'*) echo "yarn-submit.sh: set OUTPUT (now $OUTPUT)" >&2; exit 2 ;; esac
[ -f "$CONFIG" ] || { echo "yarn-submit.sh: no config file $CONFIG" >&2; exit 2; }
case "$JAR" in
  *://*) ;;
  *) [ -f "$JAR" ] || { echo "yarn-submit.sh: no $JAR; build it with mvn -B package -DskipTests" >&2; exit 2; } ;;
esac
cluster_spark_args yarn-submit.sh
read -r -a extra <<< "$EXTRA_SPARK_ARGS"

exec "$SPARK_SUBMIT" \
  --master yarn --deploy-mode cluster \
  --name "$APP_NAME" --queue "$QUEUE" \
  "${cluster_args[@]}" \
  --conf spark.yarn.appMasterEnv.OMP_NUM_THREADS="$DRIVER_CORES" \
  --conf spark.yarn.appMasterEnv.OMP_WAIT_POLICY=PASSIVE \
  --files "$CONFIG" \
  ${extra[@]+"${extra[@]}"} \
  "$JAR" train --config "$(basename "$CONFIG")" --output "$OUTPUT" "train.workers=$WORKERS" "$@"
