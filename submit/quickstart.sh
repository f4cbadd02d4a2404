#!/usr/bin/env bash
# The README's main job on a fresh machine: builds, prepares the embedded default data, trains the CPU preset
# (conf/cpu.conf) on Spark local mode, then prints the k-NN table of the trained teacher against a random-init
# backbone and the raw pixels, with the line that says whether it beat them (also in runs/default/eval/knn.json).
# The data is Fashion-MNIST from Debian's dataset-fashion-mnist, installed here when it is missing and this
# user may (root or password-less sudo, apt-get reachable); otherwise, or with DINO_QUICKSTART_DATA=synthetic,
# the synthetic set. 6,400 training images either way. Extra arguments go to `train` (e.g. --steps 20, or
# key=value overrides). Running it again resumes the run in runs/default.
set -euo pipefail
cd "$(dirname "$0")/.."
fashion_mnist=/usr/share/datasets/fashion-mnist
dataset=auto
if [ "${DINO_QUICKSTART_DATA:-}" = synthetic ]; then
  dataset=synthetic
elif [ ! -d "$fashion_mnist" ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  if command -v apt-get > /dev/null && { [ -z "$sudo" ] || sudo -n true 2> /dev/null; }; then
    echo "quickstart: installing Debian's dataset-fashion-mnist (30 MB), the main job's data"
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dataset-fashion-mnist; } > /dev/null 2>&1; then
      echo "quickstart: could not install dataset-fashion-mnist (apt-get install dataset-fashion-mnist says why);"
      echo "training on the synthetic set instead"
    fi
  else
    echo "quickstart: dataset-fashion-mnist is missing and this user cannot install it (needs apt-get and root or"
    echo "password-less sudo); training on the synthetic set instead"
  fi
fi
./submit/local.sh prepare --out data/default --dataset "$dataset" --limit 6400 --train-per-class 640 --val-per-class 100
./submit/local.sh train --config conf/cpu.conf --output runs/default "$@"
./submit/local.sh knn --run runs/default --val data/default/val
echo "quickstart took ${SECONDS} s"
