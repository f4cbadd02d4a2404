#!/usr/bin/env bash
# Launches dino-spark `train` on Kubernetes with one NVIDIA GPU per executor: spark-submit --master k8s://...
# --deploy-mode cluster with the CUDA build of the jar, Spark's GPU scheduling (one GPU task per executor), and the
# JVM flags and memory settings ND4J needs. (It is submit/k8s-submit.sh with GPUS=1 and GPU defaults: that
# script's variables and config upload choices all apply.)
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
# is the newest CUDA build of ND4J 1.0.0-M2.1. Its kernels are built for Kepler to Ampere only: on Hopper (H100,
# H200) every ND4J op fails (checked on an H200, README "GPU executors"). Check your GPU type with
# submit/gpu-kernel-check.py, then try a short run (--steps 2). The driver runs ND4J too (EMA teacher, center), so with the
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
# GPU defaults; everything else (and anything set in the environment) as in k8s-submit.sh.
export GPUS="${GPUS:-1}"
export IMAGE="${IMAGE:-<your-registry>/dino-spark:0.1.0-cuda11.6}"
export OUTPUT="${OUTPUT:-s3a://<your-bucket>/dino-runs/imagenet-vit-small-gpu}"
export APP_NAME="${APP_NAME:-dino-spark-gpu}"
# The pod's memory overhead holds ND4J's host-side buffers, CUDA's own host allocations and the crops (starting
# points, not measurements; GPU memory is separate: lower batch_size_per_worker if the GPU runs out of memory).
export EXECUTOR_MEMORY_OVERHEAD="${EXECUTOR_MEMORY_OVERHEAD:-48g}"
export EXECUTOR_JAVACPP_MAXBYTES="${EXECUTOR_JAVACPP_MAXBYTES:-44g}"
export EXECUTOR_JAVACPP_MAXPHYSICALBYTES="${EXECUTOR_JAVACPP_MAXPHYSICALBYTES:-54g}"
# ND4J's CUDA backend is the DL4J engine's (the torch engine's GPU build is -Ptorch-gpu: README "GPU executors").
exec "$(dirname "$0")/k8s-submit.sh" train.engine=dl4j "$@"
