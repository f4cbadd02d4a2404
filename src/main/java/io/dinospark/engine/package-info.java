/**
 * The boundary between DINO's step protocol and the math of its networks. An {@link io.dinospark.engine.Engine}
 * (chosen by {@code train.engine}) builds the student and teacher from the configuration, trains the student by
 * parameter averaging over Spark, runs the teacher, and extracts features and attention; everything else (data,
 * schedules, EMA teacher and center, checkpoints, evaluation) is written once above it, on flat parameter vectors
 * laid out by {@link io.dinospark.model.ParameterLayout}.
 */
package io.dinospark.engine;
