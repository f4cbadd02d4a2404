#!/usr/bin/env bash
# Launches dino-spark `train` on Kubernetes with one NVIDIA GPU per executor: spark-submit --master k8s://...
# --deploy-mode cluster with the CUDA build of the jar, Spark's GPU scheduling (one GPU task per executor), and the
# JVM flags and memory settings ND4J needs. (CPU executors: submit/k8s-submit.sh, which also explains the config
# upload choices repeated below.)
#
# Fill in (edit the defaults below, or set them as environment variables):
#   K8S_MASTER, NAMESPACE, SERVICE_ACCOUNT   your cluster; the service account may create pods, services and
#                                            config maps in NAMESPACE (Spark's usual driver role)
#   IMAGE                                    the GPU image built as below
#   OUTPUT                                   the run directory (hdfs://, s3a://, ...: storage the pods can write;
#                                            rerunning with the same OUTPUT resumes from its latest checkpoint)
#   CONFIG, UPLOAD_PATH                      the preset, and how it reaches the driver (as in k8s-submit.sh)
#   NUM_EXECUTORS (= GPUs = train.workers), cores and memory per executor
#   SPARK_SUBMIT                             spark-submit of Spark 3.5 for Scala 2.13 (spark-3.5.x-bin-hadoop3-scala2.13)
#
# The jar: mvn -B -Pcuda package -DskipTests (same name as the CPU jar; ND4J's nd4j-cuda-11.6 backend only, no CPU
# backend). It needs the CUDA 11.6 runtime libraries in the image and a node driver that supports CUDA 11.6; 11.6
# is the newest CUDA build of ND4J 1.0.0-M2.1. CUDA 11.6 predates Hopper GPUs (H100: CUDA 11.8 and later), so try
# a short run (--steps 2) on your GPU type first. The driver runs ND4J too (EMA teacher, center), so with the
# CUDA-only jar it gets a GPU as well.
#
# The image: Spark 3.5 for Scala 2.13 and a Java 17 JRE on a CUDA 11.6 runtime base (e.g. an
# nvidia/cuda:11.6.x-cudnn8-runtime-ubuntu20.04 image, built with the Spark distribution's
# kubernetes/dockerfiles/spark/Dockerfile adapted to that base), plus:
#   COPY target/dino-spark-0.1.0-SNAPSHOT-cluster.jar /opt/dino-spark/dino-spark-cluster.jar    (the -Pcuda build)
#   COPY submit/getGpusResources.sh /opt/dino-spark/getGpusResources.sh                          (executable)
#   COPY conf/ /opt/dino-spark/conf/
# The nodes need the NVIDIA device plugin (pods get nvidia.com/gpu); Spark asks for one per executor and driver.
# GPU nodes with taints need tolerations in a pod template (spark.kubernetes.executor.podTemplateFile).
#
# Usage: submit/k8s-gpu-submit.sh [--steps N] [key=value ...]  (arguments are passed on to `train`, after the config)
# Logs: kubectl -n <ns> logs -f <app-name>-driver; progress: <OUTPUT>/metrics.jsonl (see submit/notebook.ipynb).
set -euo pipefail
cd "$(dirname "$0")/.."

# ---- fill in -------------------------------------------------------------------------------------------------
SPARK_SUBMIT="${SPARK_SUBMIT:-spark-submit}"
# The API server: kubectl cluster-info prints it.
K8S_MASTER="${K8S_MASTER:-k8s://https://<your-k8s-api-server>:6443}"
NAMESPACE="${NAMESPACE:-dino}"
SERVICE_ACCOUNT="${SERVICE_ACCOUNT:-spark}"
IMAGE="${IMAGE:-<your-registry>/dino-spark:0.1.0-cuda11.6}"
# The jar's path inside the image.
JAR="${JAR:-local:///opt/dino-spark/dino-spark-cluster.jar}"
CONFIG="${CONFIG:-conf/imagenet-vit-small.conf}"
# Hadoop URI where spark-submit uploads a local CONFIG (needed only for a file of this machine).
UPLOAD_PATH="${UPLOAD_PATH:-}"
OUTPUT="${OUTPUT:-s3a://<your-bucket>/dino-runs/imagenet-vit-small-gpu}"
APP_NAME="${APP_NAME:-dino-spark-gpu}"
# GPU executors: one GPU and one training task each, so train.workers = NUM_EXECUTORS (total batch = workers x
# train.batch_size_per_worker; 16 x 64 = 1024 for the presets). The cores decode images and make the crops.
NUM_EXECUTORS="${NUM_EXECUTORS:-16}"
EXECUTOR_CORES="${EXECUTOR_CORES:-8}"
# Discovery script inside the image: prints the GPUs a pod sees (submit/getGpusResources.sh).
GPU_DISCOVERY_SCRIPT="${GPU_DISCOVERY_SCRIPT:-/opt/dino-spark/getGpusResources.sh}"
# JVM heap of each executor. ND4J keeps its arrays off the heap, so the heap can stay small ...
EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-8g}"
# ... and the pod's memory overhead must hold ND4J's host-side buffers, CUDA's own host allocations and the
# crops (the pod's limit is EXECUTOR_MEMORY + this). Starting points, not measurements; GPU memory is separate:
# lower batch_size_per_worker if the GPU runs out of memory.
EXECUTOR_MEMORY_OVERHEAD="${EXECUTOR_MEMORY_OVERHEAD:-48g}"
# JavaCPP's limits: off-heap bytes ND4J may allocate, and the whole process's resident memory (just under the pod's).
EXECUTOR_JAVACPP_MAXBYTES="${EXECUTOR_JAVACPP_MAXBYTES:-44g}"
EXECUTOR_JAVACPP_MAXPHYSICALBYTES="${EXECUTOR_JAVACPP_MAXPHYSICALBYTES:-54g}"
# The driver keeps the EMA teacher and receives the averaged student and AdamW state every step.
DRIVER_CORES="${DRIVER_CORES:-4}"
DRIVER_MEMORY="${DRIVER_MEMORY:-16g}"
DRIVER_MEMORY_OVERHEAD="${DRIVER_MEMORY_OVERHEAD:-16g}"
DRIVER_JAVACPP_MAXBYTES="${DRIVER_JAVACPP_MAXBYTES:-14g}"
DRIVER_JAVACPP_MAXPHYSICALBYTES="${DRIVER_JAVACPP_MAXPHYSICALBYTES:-30g}"
# Parameter averaging returns parameters + AdamW state (~0.5 GB for ViT-S, ~1.2 GB for ViT-B) from each of a few
# partial aggregates to the driver every step: Spark's 1g default result limit is too small.
DRIVER_MAX_RESULT_SIZE="${DRIVER_MAX_RESULT_SIZE:-8g}"
# Where JavaCPP extracts its ~400 MB of natives in each pod (give pods that much ephemeral storage).
JAVACPP_CACHE="${JAVACPP_CACHE:-/tmp/javacpp-cache}"
# Anything else for spark-submit, e.g. "--conf spark.kubernetes.node.selector.<label>=<value>
# --conf spark.kubernetes.driver.podTemplateFile=<file>", or Kryo instead of Java serialization:
# "--conf spark.serializer=org.apache.spark.serializer.KryoSerializer
# --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator" (DL4J refuses Kryo without the registrator).
EXTRA_SPARK_ARGS="${EXTRA_SPARK_ARGS:-}"
# ---------------------------------------------------------------------------------------------------------------

for v in K8S_MASTER IMAGE OUTPUT; do
  case "${!v}" in *'<'*) echo "k8s-gpu-submit.sh: set $v (now ${!v})" >&2; exit 2 ;; esac
done
config_args=()
case "$CONFIG" in
  local://*) config_name="${CONFIG#local://}" ;;
  *)
    [ -f "$CONFIG" ] || { echo "k8s-gpu-submit.sh: no config file $CONFIG" >&2; exit 2; }
    [ -n "$UPLOAD_PATH" ] || { echo "k8s-gpu-submit.sh: a local CONFIG needs UPLOAD_PATH (or use local:///... in the image)" >&2; exit 2; }
    config_args=(--files "$CONFIG" --conf "spark.kubernetes.file.upload.path=$UPLOAD_PATH")
    config_name="$(basename "$CONFIG")" ;;
esac
# The Java 17 module opens ND4J and DL4J need, kept once in pom.xml (spark-submit adds Spark's own).
OPENS="$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' pom.xml)"
[ -n "$OPENS" ] || { echo "k8s-gpu-submit.sh: java17.opens not found in pom.xml" >&2; exit 2; }
WORKERS="$NUM_EXECUTORS"
read -r -a extra <<< "$EXTRA_SPARK_ARGS"

exec "$SPARK_SUBMIT" \
  --master "$K8S_MASTER" --deploy-mode cluster \
  --name "$APP_NAME" \
  --class io.dinospark.cli.DinoSpark \
  --conf spark.kubernetes.namespace="$NAMESPACE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="$SERVICE_ACCOUNT" \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.executor.instances="$NUM_EXECUTORS" \
  --conf spark.executor.cores="$EXECUTOR_CORES" \
  --conf spark.executor.memory="$EXECUTOR_MEMORY" \
  --conf spark.executor.memoryOverhead="$EXECUTOR_MEMORY_OVERHEAD" \
  --conf spark.driver.cores="$DRIVER_CORES" \
  --conf spark.driver.memory="$DRIVER_MEMORY" \
  --conf spark.driver.memoryOverhead="$DRIVER_MEMORY_OVERHEAD" \
  --conf spark.driver.maxResultSize="$DRIVER_MAX_RESULT_SIZE" \
  --conf spark.task.cpus="$EXECUTOR_CORES" \
  --conf spark.dynamicAllocation.enabled=false \
  --conf spark.executor.resource.gpu.amount=1 \
  --conf spark.task.resource.gpu.amount=1 \
  --conf spark.executor.resource.gpu.discoveryScript="$GPU_DISCOVERY_SCRIPT" \
  --conf spark.executor.resource.gpu.vendor=nvidia.com \
  --conf spark.driver.resource.gpu.amount=1 \
  --conf spark.driver.resource.gpu.discoveryScript="$GPU_DISCOVERY_SCRIPT" \
  --conf spark.driver.resource.gpu.vendor=nvidia.com \
  --conf spark.executorEnv.OMP_NUM_THREADS="$EXECUTOR_CORES" \
  --conf spark.kubernetes.driverEnv.OMP_NUM_THREADS="$DRIVER_CORES" \
  --conf "spark.driver.extraJavaOptions=$OPENS -Dorg.bytedeco.javacpp.maxbytes=$DRIVER_JAVACPP_MAXBYTES -Dorg.bytedeco.javacpp.maxphysicalbytes=$DRIVER_JAVACPP_MAXPHYSICALBYTES -Dorg.bytedeco.javacpp.cachedir=$JAVACPP_CACHE" \
  --conf "spark.executor.extraJavaOptions=$OPENS -Dorg.bytedeco.javacpp.maxbytes=$EXECUTOR_JAVACPP_MAXBYTES -Dorg.bytedeco.javacpp.maxphysicalbytes=$EXECUTOR_JAVACPP_MAXPHYSICALBYTES -Dorg.bytedeco.javacpp.cachedir=$JAVACPP_CACHE" \
  ${config_args[@]+"${config_args[@]}"} \
  ${extra[@]+"${extra[@]}"} \
  "$JAR" train --config "$config_name" --output "$OUTPUT" "train.workers=$WORKERS" "$@"
