#!/usr/bin/env bash
# Launches dino-spark `train` on Kubernetes with NVIDIA GPUs for the torch engine: spark-submit --master k8s://...
# --deploy-mode cluster with the -Ptorch-gpu jar, one GPU per training task through Spark's GPU scheduling, and the
# JVM flags and memory settings the engines need. (It is submit/k8s-submit.sh with GPUS=1 and GPU defaults: that
# script's variables and config upload choices all apply.)
#
# Fill in (edit the defaults below, or set them as environment variables):
#   K8S_MASTER, NAMESPACE, SERVICE_ACCOUNT   your cluster; the service account may create pods, services and
#                                            config maps in NAMESPACE (Spark's usual driver role)
#   IMAGE                                    the GPU image built as below
#   OUTPUT                                   the run directory (hdfs://, s3a://, ...: storage the pods can write;
#                                            rerunning with the same OUTPUT resumes from its latest checkpoint)
#   CONFIG, UPLOAD_PATH                      the preset, and how it reaches the driver (as in k8s-submit.sh)
#   NUM_EXECUTORS, GPUS (per executor; train.workers = NUM_EXECUTORS x GPUS), cores and memory per executor
#   CUDA_LIBRARY_PATH                        only if the image keeps CUDA's libraries off the loader's path
#   SPARK_SUBMIT                             spark-submit of Spark 3.5 for Scala 2.13 (spark-3.5.x-bin-hadoop3-scala2.13)
#
# The jar: mvn -B -Ptorch-gpu package -DskipTests (same name as the CPU jar): libtorch 2.10's CUDA 13 build, machine
# code for sm_75 to sm_120 (Turing to Blackwell, H100/H200 included), with ND4J's CPU backend for the project's
# arrays. Each task trains on the GPU Spark assigned it (cuda:<address>); the driver needs no GPU. Check a GPU type
# with `python3 submit/gpu-kernel-check.py <the cluster jar>` on a GPU node, then try --steps 2.
#
# The image: Spark 3.5 for Scala 2.13 and a Java 17 JRE on NVIDIA's CUDA 13 runtime image with cuDNN 9, which holds
# every library libtorch's CUDA build links (cudart, cuBLAS, cuFFT, cuRAND, cuSPARSE, cuSOLVER, cuFile, cuDNN 9,
# NCCL), e.g. FROM nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04 with the Spark distribution's
# kubernetes/dockerfiles/spark/Dockerfile adapted to that base, plus:
#   COPY target/dino-spark-0.1.0-SNAPSHOT-cluster.jar /opt/dino-spark/dino-spark-cluster.jar    (the -Ptorch-gpu build)
#   COPY submit/getGpusResources.sh /opt/dino-spark/getGpusResources.sh                          (executable)
#   COPY conf/ /opt/dino-spark/conf/
# The nodes need an NVIDIA driver for CUDA 13 (580 or newer) and NVIDIA's device plugin (pods get nvidia.com/gpu).
# GPU nodes with taints need tolerations in a pod template (spark.kubernetes.executor.podTemplateFile).
#
# Usage: submit/k8s-gpu-submit.sh [--steps N] [key=value ...]  (arguments are passed on to `train`, after the config)
# Logs: kubectl -n <ns> logs -f <app-name>-driver; progress: <OUTPUT>/metrics.jsonl (see submit/notebook.ipynb).
set -euo pipefail
# GPU defaults; everything else (and anything set in the environment) as in k8s-submit.sh.
export GPUS="${GPUS:-1}"
export IMAGE="${IMAGE:-<your-registry>/dino-spark:0.1.0-cuda13}"
export OUTPUT="${OUTPUT:-s3a://<your-bucket>/dino-runs/imagenet-vit-small-gpu}"
export APP_NAME="${APP_NAME:-dino-spark-gpu}"
# The pod's memory overhead holds libtorch's and ND4J's host-side buffers, CUDA's own host allocations and the
# crops (starting points, not measurements; GPU memory is separate: lower batch_size_per_worker if it runs out).
export EXECUTOR_MEMORY_OVERHEAD="${EXECUTOR_MEMORY_OVERHEAD:-48g}"
export EXECUTOR_JAVACPP_MAXBYTES="${EXECUTOR_JAVACPP_MAXBYTES:-44g}"
export EXECUTOR_JAVACPP_MAXPHYSICALBYTES="${EXECUTOR_JAVACPP_MAXPHYSICALBYTES:-54g}"
exec "$(dirname "$0")/k8s-submit.sh" train.engine=torch "$@"
