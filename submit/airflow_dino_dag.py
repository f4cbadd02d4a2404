"""Airflow DAG: DINO pretraining with dino-spark, launched by SparkSubmitOperator on a schedule (weekly by default).

Each DAG run trains a fresh model into its own run directory (OUTPUT_ROOT/<run date>), so a weekly run pretrains
on whatever the data root holds that week; a retried task uses the same directory and resumes from its latest
checkpoint instead of starting over. An optional `prepare` task (commented out below) can write a data set first.

Needs: apache-airflow 2.4+ and apache-airflow-providers-apache-spark on the workers, spark-submit of a Spark 3.5
distribution for Scala 2.13 on their PATH (Java 17), and the cluster jar and config file on the worker's disk
(or the jar on HDFS). Build the jar with `mvn -B package -DskipTests` (`-Pcuda` for GPU executors).

Connection `spark_default` (Admin > Connections, type Spark; SparkSubmitOperator's default conn_id):
  host: yarn                        (or k8s://https://<your-k8s-api-server>:6443, spark://<your-master>:7077)
  extra: {"deploy-mode": "cluster", "queue": "default", "spark-binary": "spark-submit"}
  For Kubernetes, also put spark.kubernetes.* settings (namespace, container image, service account) into CONF.

Fill in: JAR, CONFIG, OUTPUT_ROOT and the executor sizes below (see submit/cluster-settings.sh for what each sets);
data.root is set in the config file (or add data.root=... to TRAIN_OVERRIDES). The schedule comes from the
environment variable DINO_SCHEDULE (a cron expression or preset such as "@weekly"; "none" for manual runs only).
"""

import os
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# ---- fill in ---------------------------------------------------------------------------------------------------
# The cluster jar: a path on the Airflow worker (uploaded on each launch) or an hdfs:// copy.
JAR = "/opt/dino-spark/dino-spark-0.1.0-SNAPSHOT-cluster.jar"
# The preset on the Airflow worker's disk; shipped with --files and read by its base name in cluster mode.
CONFIG = "/opt/dino-spark/conf/imagenet-vit-small.conf"
# Each DAG run writes OUTPUT_ROOT/<logical date>; rerunning the same DAG run resumes it.
OUTPUT_ROOT = "hdfs:///user/<your-user>/dino-runs/imagenet-vit-small"
# Executors: train.workers = NUM_EXECUTORS x EXECUTOR_CORES / TASK_CPUS Spark tasks train the student at once
# (total batch = workers x train.batch_size_per_worker; the presets: 16 x 64 = 1024).
NUM_EXECUTORS = 16
EXECUTOR_CORES = 8
TASK_CPUS = 8
EXECUTOR_MEMORY = "8g"
# ND4J allocates off the JVM heap: the overhead holds the model's activations (a starting point, not a measurement).
EXECUTOR_MEMORY_OVERHEAD = "40g"
DRIVER_MEMORY = "16g"
# More `key=value` overrides for `train`, applied after the config file, e.g. ["optim.lr=1e-3"].
TRAIN_OVERRIDES: list[str] = []
SCHEDULE = os.environ.get("DINO_SCHEDULE", "@weekly")
# -----------------------------------------------------------------------------------------------------------------

# The Java 17 module opens ND4J and DL4J need (pom.xml property java17.opens; spark-submit adds Spark's own).
JAVA17_OPENS = " ".join(
    "--add-opens=java.base/" + package + "=ALL-UNNAMED"
    for package in (
        "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
        "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref", "sun.nio.ch", "sun.nio.cs",
        "sun.security.action", "sun.util.calendar",
    )
)
# JavaCPP: where it extracts its ~400 MB of natives (the container's working directory) and how much it may use.
EXECUTOR_JAVA_OPTIONS = (
    JAVA17_OPENS + " -Dorg.bytedeco.javacpp.cachedir=javacpp-cache"
    " -Dorg.bytedeco.javacpp.maxbytes=36g -Dorg.bytedeco.javacpp.maxphysicalbytes=46g"
)
DRIVER_JAVA_OPTIONS = (
    JAVA17_OPENS + " -Dorg.bytedeco.javacpp.cachedir=javacpp-cache"
    " -Dorg.bytedeco.javacpp.maxbytes=14g -Dorg.bytedeco.javacpp.maxphysicalbytes=30g"
)

CONF = {
    "spark.driver.extraJavaOptions": DRIVER_JAVA_OPTIONS,
    "spark.executor.extraJavaOptions": EXECUTOR_JAVA_OPTIONS,
    "spark.executor.memoryOverhead": EXECUTOR_MEMORY_OVERHEAD,
    "spark.driver.memoryOverhead": "16g",
    # Parameter averaging sends parameters and AdamW state to the driver every step (hundreds of MB).
    "spark.driver.maxResultSize": "8g",
    "spark.task.cpus": str(TASK_CPUS),
    "spark.executorEnv.OMP_NUM_THREADS": str(TASK_CPUS),
    "spark.executorEnv.OMP_WAIT_POLICY": "PASSIVE",
    # train.workers is fixed for the whole run.
    "spark.dynamicAllocation.enabled": "false",
    # Kryo instead of Java serialization needs ND4J's registrator:
    # "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    # "spark.kryo.registrator": "org.nd4j.kryo.Nd4jRegistrator",
}

WORKERS = NUM_EXECUTORS * (EXECUTOR_CORES // TASK_CPUS)

with DAG(
    dag_id="dino_spark_pretrain",
    description="DINO self-supervised pretraining on Spark (dino-spark train)",
    schedule=None if SCHEDULE.lower() == "none" else SCHEDULE,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    # One training at a time: a run holds the cluster for hours to days.
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["dino-spark"],
) as dag:
    # Optional: write a data set first (synthetic images, or Fashion-MNIST where the driver has Debian's
    # dataset-fashion-mnist package; ImageNet is brought by the user), then train on it by adding
    # "data.root=" + OUTPUT_ROOT + "-data/train" (and a model sized for it) to TRAIN_OVERRIDES.
    # prepare = SparkSubmitOperator(
    #     task_id="prepare",
    #     application=JAR,
    #     java_class="io.dinospark.cli.DinoSpark",
    #     application_args=["prepare", "--dataset", "synthetic", "--out", OUTPUT_ROOT + "-data", "--index"],
    #     conf={"spark.driver.extraJavaOptions": DRIVER_JAVA_OPTIONS,
    #           "spark.executor.extraJavaOptions": EXECUTOR_JAVA_OPTIONS},
    #     name="dino-spark-prepare",
    # )

    train = SparkSubmitOperator(
        task_id="train",
        conn_id="spark_default",
        application=JAR,
        java_class="io.dinospark.cli.DinoSpark",
        name="dino-spark-{{ ds_nodash }}",
        files=CONFIG,
        application_args=[
            "train",
            "--config", os.path.basename(CONFIG),
            "--output", OUTPUT_ROOT + "/{{ ds_nodash }}",
            "train.workers=" + str(WORKERS),
            *TRAIN_OVERRIDES,
        ],
        conf=CONF,
        num_executors=NUM_EXECUTORS,
        executor_cores=EXECUTOR_CORES,
        executor_memory=EXECUTOR_MEMORY,
        driver_memory=DRIVER_MEMORY,
        # Training takes days at ImageNet scale; the limit only catches a hung job.
        execution_timeout=timedelta(days=14),
    )

    # prepare >> train
