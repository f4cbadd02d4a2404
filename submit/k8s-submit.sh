#!/usr/bin/env bash
# Launches dino-spark `train` on Kubernetes with CPU executors: spark-submit --master k8s://... --deploy-mode cluster,
# with the cluster jar inside the container image and the JVM flags and memory settings ND4J needs.
# GPUS=N gives every executor N NVIDIA GPUs instead, one per task: submit/k8s-gpu-submit.sh sets that up.
#
# Fill in (edit the defaults below, or set them as environment variables):
#   K8S_MASTER, NAMESPACE, SERVICE_ACCOUNT   your cluster; the service account may create pods, services and
#                                            config maps in NAMESPACE (Spark's usual driver role)
#   IMAGE                                    the image built as below
#   OUTPUT                                   the run directory (hdfs://, s3a://, ...: storage the pods can write;
#                                            rerunning with the same OUTPUT resumes from its latest checkpoint)
#   CONFIG, UPLOAD_PATH                      the preset, and how it reaches the driver (below)
#   executors, cores, memory                 what your nodes hold (submit/cluster-settings.sh)
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

# ---- fill in (executor and driver sizes: submit/cluster-settings.sh) ---------------------------------------
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
# Where JavaCPP extracts its ~400 MB of natives in each pod (give pods that much ephemeral storage).
JAVACPP_CACHE="${JAVACPP_CACHE:-/tmp/javacpp-cache}"
# Anything else for spark-submit, e.g. "--conf spark.kubernetes.node.selector.<label>=<value>
# --conf spark.kubernetes.driver.podTemplateFile=<file>", or Kryo instead of Java serialization:
# "--conf spark.serializer=org.apache.spark.serializer.KryoSerializer
# --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator" (DL4J refuses Kryo without the registrator).
EXTRA_SPARK_ARGS="${EXTRA_SPARK_ARGS:-}"
# ---------------------------------------------------------------------------------------------------------------
source submit/cluster-settings.sh

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
# GPUS > 0 (submit/cluster-settings.sh; submit/k8s-gpu-submit.sh sets it): Kubernetes asks NVIDIA's device plugin.
gpu_args=()
[ "$GPUS" -eq 0 ] || gpu_args=(--conf spark.executor.resource.gpu.vendor=nvidia.com)
cluster_spark_args k8s-submit.sh
read -r -a extra <<< "$EXTRA_SPARK_ARGS"

exec "$SPARK_SUBMIT" \
  --master "$K8S_MASTER" --deploy-mode cluster \
  --name "$APP_NAME" \
  "${cluster_args[@]}" \
  --conf spark.kubernetes.namespace="$NAMESPACE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="$SERVICE_ACCOUNT" \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.kubernetes.driverEnv.OMP_NUM_THREADS="$DRIVER_CORES" \
  --conf spark.kubernetes.driverEnv.OMP_WAIT_POLICY=PASSIVE \
  ${gpu_args[@]+"${gpu_args[@]}"} \
  ${config_args[@]+"${config_args[@]}"} \
  ${extra[@]+"${extra[@]}"} \
  "$JAR" train --config "$config_name" --output "$OUTPUT" "train.workers=$WORKERS" "$@"
