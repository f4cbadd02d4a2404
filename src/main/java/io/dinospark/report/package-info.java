/**
 * A run's report: line plots of its metrics drawn with java.awt (headless) and one HTML page with the plots, the
 * configuration, the evaluation tables and the attention maps. Reads a run directory while it trains.
 */
package io.dinospark.report;
