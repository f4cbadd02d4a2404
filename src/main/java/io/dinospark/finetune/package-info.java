/**
 * Fine-tuning, the paper's transfer experiment: a run's backbone and a linear classifier trained end to end with
 * labels on Spark, through the engine's parameter averaging ({@link io.dinospark.engine.Engine#classifierTrainer}).
 */
package io.dinospark.finetune;
