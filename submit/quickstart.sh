#!/usr/bin/env bash
# The README's main job on a fresh machine: builds, prepares the embedded default data (Fashion-MNIST when the
# Debian package dataset-fashion-mnist is installed, otherwise the synthetic set; 6,400 training images), trains
# the CPU preset (conf/cpu.conf) on Spark local mode, then prints the k-NN table of the trained teacher against a
# random-init backbone and the raw pixels (also in runs/default/eval/knn.json). Extra arguments go to `train`
# (e.g. --steps 20, or key=value overrides). Running it again resumes the run in runs/default.
set -euo pipefail
cd "$(dirname "$0")/.."
./submit/local.sh prepare --out data/default --limit 6400 --train-per-class 640 --val-per-class 100
./submit/local.sh train --config conf/cpu.conf --output runs/default "$@"
./submit/local.sh knn --run runs/default --val data/default/val
echo "quickstart took ${SECONDS} s"
