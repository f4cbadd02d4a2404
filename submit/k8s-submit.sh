#!/usr/bin/env bash
# Launches dino-spark `train` on Kubernetes with CPU executors: spark-submit --master k8s://... --deploy-mode cluster,
# with the cluster jar inside the container image and the JVM flags and memory settings ND4J needs.
# GPUS=1 gives every executor (and the driver) one NVIDIA GPU instead: submit/k8s-gpu-submit.sh sets that up.
#
# Fill in (edit the defaults below, or set them as environment variables):
#   K8S_MASTER, NAMESPACE, SERVICE_ACCOUNT   your cluster; the service account may create pods, services and
#                                            config maps in NAMESPACE (Spark's usual driver role)
#   IMAGE                                    the image built as below
#   OUTPUT                                   the run directory (hdfs://, s3a://, ...: storage the pods can write;
#                                            rerunning with the same OUTPUT resumes from its latest checkpoint)
#   CONFIG, UPLOAD_PATH                      the preset, and how it reaches the driver (below)
#   executors, cores, memory                 what your nodes hold
#   SPARK_SUBMIT                             spark-submit of Spark 3.5 for Scala 2.13 (spark-3.5.x-bin-hadoop3-scala2.13)
#
# The image: Spark 3.5 for Scala 2.13 on Java 17 (the jar is built against it; Spark's published 3.5 images are
# Scala 2.12), with the jar at /opt/dino-spark/dino-spark-cluster.jar. For example, from the Spark 3.5 Scala 2.13
# distribution:  ./bin/docker-image-tool.sh -r <your-registry> -t 3.5-scala2.13 -b java_image_tag=17-jre build
# then a Dockerfile on top of it:
#   FROM <your-registry>/spark:3.5-scala2.13
#   COPY target/dino-spark-0.1.0-SNAPSHOT-cluster.jar /opt/dino-spark/dino-spark-cluster.jar
#   COPY conf/ /opt/dino-spark/conf/
# Storage connectors (hadoop-aws for s3a://, ...) go into the image's /opt/spark/jars as for any Spark job.
#
# The config reaches the driver one of three ways:
#   - CONFIG=conf/x.conf (a file here) and UPLOAD_PATH set: spark-submit uploads it (--files) to UPLOAD_PATH, the
#     driver downloads it into its working directory, and `train --config x.conf` finds it there;
#   - CONFIG=local:///opt/dino-spark/conf/x.conf: a file inside the image (COPY conf/ above), nothing uploaded;
#   - a ConfigMap (kubectl -n <ns> create configmap dino-conf --from-file=conf/x.conf) mounted through a driver pod
#     template (spark.kubernetes.driver.podTemplateFile, a volume of configMap dino-conf mounted at
#     /opt/dino-spark/conf-map), then CONFIG=local:///opt/dino-spark/conf-map/x.conf.
#
# Usage: submit/k8s-submit.sh [--steps N] [key=value ...]     (arguments are passed on to `train`, after the config)
# Logs: kubectl -n <ns> logs -f <app-name>-driver; progress: <OUTPUT>/metrics.jsonl (see submit/notebook.ipynb).
set -euo pipefail
cd "$(dirname "$0")/.."

# ---- fill in -------------------------------------------------------------------------------------------------
SPARK_SUBMIT="${SPARK_SUBMIT:-spark-submit}"
# The API server: kubectl cluster-info prints it.
K8S_MASTER="${K8S_MASTER:-k8s://https://<your-k8s-api-server>:6443}"
NAMESPACE="${NAMESPACE:-dino}"
SERVICE_ACCOUNT="${SERVICE_ACCOUNT:-spark}"
IMAGE="${IMAGE:-<your-registry>/dino-spark:0.1.0}"
# The jar's path inside the image.
JAR="${JAR:-local:///opt/dino-spark/dino-spark-cluster.jar}"
CONFIG="${CONFIG:-conf/imagenet-vit-small.conf}"
# Hadoop URI where spark-submit uploads a local CONFIG (needed only for a file of this machine).
UPLOAD_PATH="${UPLOAD_PATH:-}"
OUTPUT="${OUTPUT:-s3a://<your-bucket>/dino-runs/imagenet-vit-small}"
APP_NAME="${APP_NAME:-dino-spark}"
# Executors, each running TASK_CPUS-core tasks: the student is trained by NUM_EXECUTORS x EXECUTOR_CORES / TASK_CPUS
# tasks at once, and that number is passed as train.workers (total batch = workers x train.batch_size_per_worker;
# 16 x 64 = 1024 for the presets). One task per executor lets ND4J use every core of it through OpenMP.
NUM_EXECUTORS="${NUM_EXECUTORS:-16}"
EXECUTOR_CORES="${EXECUTOR_CORES:-8}"
TASK_CPUS="${TASK_CPUS:-8}"
# 0: CPU executors. 1: one NVIDIA GPU per executor and for the driver, one training task per executor (so
# train.workers = NUM_EXECUTORS), found by GPU_DISCOVERY_SCRIPT; needs the -Pcuda jar (see k8s-gpu-submit.sh).
GPUS="${GPUS:-0}"
GPU_DISCOVERY_SCRIPT="${GPU_DISCOVERY_SCRIPT:-/opt/dino-spark/getGpusResources.sh}"
# JVM heap of each executor. ND4J keeps its arrays off the heap, so the heap can stay small ...
EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-8g}"
# ... and the pod's memory overhead must hold ND4J's arrays (the pod's limit is EXECUTOR_MEMORY + this). Starting
# points, not measurements: ViT-S/16 at 64 images per worker ~40g, ViT-B/16 more; lower batch_size_per_worker
# (and raise NUM_EXECUTORS) if pods are OOM-killed.
EXECUTOR_MEMORY_OVERHEAD="${EXECUTOR_MEMORY_OVERHEAD:-40g}"
# JavaCPP's limits: off-heap bytes ND4J may allocate, and the whole process's resident memory (just under the pod's).
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
# Where JavaCPP extracts its ~400 MB of natives in each pod (give pods that much ephemeral storage).
JAVACPP_CACHE="${JAVACPP_CACHE:-/tmp/javacpp-cache}"
# Anything else for spark-submit, e.g. "--conf spark.kubernetes.node.selector.<label>=<value>
# --conf spark.kubernetes.driver.podTemplateFile=<file>", or Kryo instead of Java serialization:
# "--conf spark.serializer=org.apache.spark.serializer.KryoSerializer
# --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator" (DL4J refuses Kryo without the registrator).
EXTRA_SPARK_ARGS="${EXTRA_SPARK_ARGS:-}"
# ---------------------------------------------------------------------------------------------------------------

for v in K8S_MASTER IMAGE OUTPUT; do
  case "${!v}" in *'<'*) echo "k8s-submit.sh: set $v (now ${!v})" >&2; exit 2 ;; esac
done
config_args=()
case "$CONFIG" in
  local://*) config_name="${CONFIG#local://}" ;;
  *)
    [ -f "$CONFIG" ] || { echo "k8s-submit.sh: no config file $CONFIG" >&2; exit 2; }
    [ -n "$UPLOAD_PATH" ] || { echo "k8s-submit.sh: a local CONFIG needs UPLOAD_PATH (or use local:///... in the image)" >&2; exit 2; }
    config_args=(--files "$CONFIG" --conf "spark.kubernetes.file.upload.path=$UPLOAD_PATH")
    config_name="$(basename "$CONFIG")" ;;
esac
# The Java 17 module opens ND4J and DL4J need, kept once in pom.xml (spark-submit adds Spark's own).
OPENS="$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' pom.xml)"
[ -n "$OPENS" ] || { echo "k8s-submit.sh: java17.opens not found in pom.xml" >&2; exit 2; }
gpu_args=()
if [ "$GPUS" -gt 0 ]; then
  TASK_CPUS="$EXECUTOR_CORES"
  for role in executor driver; do
    gpu_args+=(--conf "spark.$role.resource.gpu.amount=$GPUS"
               --conf "spark.$role.resource.gpu.discoveryScript=$GPU_DISCOVERY_SCRIPT"
               --conf "spark.$role.resource.gpu.vendor=nvidia.com")
  done
  gpu_args+=(--conf "spark.task.resource.gpu.amount=$GPUS")
fi
WORKERS=$(( NUM_EXECUTORS * (EXECUTOR_CORES / TASK_CPUS) ))
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
  --conf spark.task.cpus="$TASK_CPUS" \
  --conf spark.dynamicAllocation.enabled=false \
  --conf spark.executorEnv.OMP_NUM_THREADS="$TASK_CPUS" \
  --conf spark.kubernetes.driverEnv.OMP_NUM_THREADS="$DRIVER_CORES" \
  --conf "spark.driver.extraJavaOptions=$OPENS -Dorg.bytedeco.javacpp.maxbytes=$DRIVER_JAVACPP_MAXBYTES -Dorg.bytedeco.javacpp.maxphysicalbytes=$DRIVER_JAVACPP_MAXPHYSICALBYTES -Dorg.bytedeco.javacpp.cachedir=$JAVACPP_CACHE" \
  --conf "spark.executor.extraJavaOptions=$OPENS -Dorg.bytedeco.javacpp.maxbytes=$EXECUTOR_JAVACPP_MAXBYTES -Dorg.bytedeco.javacpp.maxphysicalbytes=$EXECUTOR_JAVACPP_MAXPHYSICALBYTES -Dorg.bytedeco.javacpp.cachedir=$JAVACPP_CACHE" \
  ${gpu_args[@]+"${gpu_args[@]}"} \
  ${config_args[@]+"${config_args[@]}"} \
  ${extra[@]+"${extra[@]}"} \
  "$JAR" train --config "$config_name" --output "$OUTPUT" "train.workers=$WORKERS" "$@"
