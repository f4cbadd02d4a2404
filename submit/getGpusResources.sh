#!/usr/bin/env bash
# Spark GPU discovery script (spark.{driver,executor}.resource.gpu.discoveryScript): prints the GPUs this container
# sees as Spark's resource JSON, e.g. {"name": "gpu", "addresses": ["0","1"]}, from nvidia-smi.
# Nothing to fill in. Copy it into the GPU image as /opt/dino-spark/getGpusResources.sh, executable (see
# submit/k8s-gpu-submit.sh); on YARN point spark.executor.resource.gpu.discoveryScript at it. On Kubernetes the NVIDIA
# device plugin exposes only the pod's GPUs, numbered from 0.
set -euo pipefail
# Fails (and so does Spark's executor start) when nvidia-smi does, rather than reporting no GPUs.
indexes="$(nvidia-smi --query-gpu=index --format=csv,noheader)"
addresses=""
for index in $indexes; do
  addresses="${addresses:+$addresses,}\"$index\""
done
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
