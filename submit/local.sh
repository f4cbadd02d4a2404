#!/usr/bin/env bash
# Runs dino-spark on this machine, with Spark and DL4J from the Maven build (no Spark install needed).
# Usage: submit/local.sh <subcommand> [--config FILE] [key=value ...]; submit/local.sh --help lists subcommands.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f target/local-classpath.txt ] || [ -n "$(find src pom.xml -newer target/local-classpath.txt -print -quit)" ]; then
  mvn -q -B -DskipTests process-classes
fi
# The Java 17 module opens Spark and ND4J need, kept once in pom.xml.
source submit/java17-opens.sh
read -r -a opens <<< "$(java17_opens)"
# OpenMP threads (ND4J's and libtorch's) sleep when idle instead of spinning: with the default active wait both
# engines ran 2-4x slower on a 2-vCPU machine, their spinning threads taking the cores from the JVM's own.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# Spark local mode with every core, unless DINO_SPARK_MASTER says otherwise.
exec java -Xmx8g -Djava.awt.headless=true "${opens[@]}" -Dspark.master="${DINO_SPARK_MASTER:-local[*]}" -Dspark.ui.showConsoleProgress=false \
  -Dlog4j2.configurationFile=submit/log4j2-local.properties -cp "target/classes:$(cat target/local-classpath.txt)" io.dinospark.cli.DinoSpark "$@"
