# Sourced (from the repository root) by submit/local.sh, submit/cluster-settings.sh and submit/gpu-bench/prepare.sh.

# Prints the Java 17 module opens Spark and ND4J need, kept once in pom.xml (the java17.opens property), on one line.
java17_opens() {
  sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' pom.xml
}
