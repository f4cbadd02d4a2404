#!/usr/bin/env bash
# Builds here, on a machine with Maven and its repository, what run-on-device.sh needs on a GPU machine that has
# CUDA 13 and a pip PyTorch but no JDK and no registry: a jlink Java 17 runtime, the project's classes and test
# classes, and their runtime jars (Spark's core and Scala's library included; BUILD=gpu, the default, takes libtorch's
# CUDA 13 natives, BUILD=cpu the CPU ones for a rehearsal here), as one tar split into pieces of at most 60 MiB,
# target/gpu-bench/pieces/bundle.tar.NN, because each device call carries at most 64 MiB. It prints the calls to
# make: one per piece, back to back (a warm machine keeps what earlier calls carried), the last one running
# submit/gpu-bench/run-on-device.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD="${BUILD:-gpu}"
case "$BUILD" in gpu) profile=(-Ptorch-gpu) ;; cpu) profile=() ;; *) echo "prepare.sh: BUILD is gpu or cpu, not $BUILD" >&2; exit 2 ;; esac
out="$PWD/target/gpu-bench"
rm -rf "$out"
mkdir -p "$out/bundle/lib" "$out/pieces"
# A build folder of its own, so that the checkout's target/classes stay those of the default (CPU) build.
mvn -o -B -q ${profile[@]+"${profile[@]}"} -Dbuild.dir="$out/build" -DskipTests test-compile \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out/bundle/lib"
# Spark is `provided`: the benchmark needs only the classes the torch engine names (TaskContext, ResourceInformation).
tr ':' '\n' < "$out/build/local-classpath.txt" | grep -E '/(spark-core|spark-common-utils)_2\.13-|/scala-library-' \
  | xargs -I{} cp {} "$out/bundle/lib/"
jar cf "$out/bundle/lib/dino-spark-classes.jar" -C "$out/build/classes" .
jar cf "$out/bundle/lib/dino-spark-test-classes.jar" -C "$out/build/test-classes" .
jlink --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.scripting,java.sql,java.xml,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/bundle/jre"
source submit/java17-opens.sh
java17_opens > "$out/bundle/java17-opens.txt"
tar cf "$out/bundle.tar" -C "$out" bundle
split -b 60M -d -a 2 "$out/bundle.tar" "$out/pieces/bundle.tar."
rm -rf "$out/build" "$out/bundle" "$out/bundle.tar"
du -b "$out"/pieces/* | awk '{printf "%s %.1f MiB\n", $2, $1 / 1048576}'
echo "Carry one piece per call, back to back (e.g. command 'true'), the last with the command"
echo "  bash submit/gpu-bench/run-on-device.sh   (BUILD=$BUILD; results under \$OUT)"
for piece in "$out"/pieces/*; do echo "carry: [\"target/gpu-bench/pieces/$(basename "$piece")\"]"; done
