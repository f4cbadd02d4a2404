package io.dinospark.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Pins the loss to an independent float64 computation of the paper's formula, and its gradient to finite differences. */
class DinoLossTest {

    private static final int BATCH = 4;
    private static final int K = 7;
    private static final double STUDENT_TEMP = 0.1;

    /** Teacher probabilities [B][2][K] and student logits [B][views][K], random but reproducible. */
    private static double[][][] random(Random rng, int views, boolean probabilities) {
        double[][][] x = new double[BATCH][views][K];
        for (double[][] row : x) {
            for (double[] v : row) {
                double sum = 0;
                for (int k = 0; k < K; k++) {
                    v[k] = probabilities ? Math.exp(3 * rng.nextGaussian()) : 2 * rng.nextGaussian();
                    sum += v[k];
                }
                if (probabilities) {
                    for (int k = 0; k < K; k++) {
                        v[k] /= sum;
                    }
                }
            }
        }
        return x;
    }

    /** The paper's loss, written out directly: mean over the batch and over pairs (i, v != i). */
    private static double reference(double[][][] teacher, double[][][] student) {
        int views = student[0].length;
        double total = 0;
        for (int b = 0; b < BATCH; b++) {
            for (int i = 0; i < 2; i++) {
                for (int v = 0; v < views; v++) {
                    if (v == i) {
                        continue;
                    }
                    double max = Double.NEGATIVE_INFINITY;
                    for (double z : student[b][v]) {
                        max = Math.max(max, z / STUDENT_TEMP);
                    }
                    double sumExp = 0;
                    for (double z : student[b][v]) {
                        sumExp += Math.exp(z / STUDENT_TEMP - max);
                    }
                    double logNorm = max + Math.log(sumExp);
                    for (int k = 0; k < K; k++) {
                        total -= teacher[b][i][k] * (student[b][v][k] / STUDENT_TEMP - logNorm);
                    }
                }
            }
        }
        return total / BATCH / (2 * views - 2);
    }

    private static INDArray rows(double[][][] x, DataType type) {
        double[][] flat = new double[x.length][];
        for (int b = 0; b < x.length; b++) {
            flat[b] = new double[x[b].length * K];
            for (int v = 0; v < x[b].length; v++) {
                System.arraycopy(x[b][v], 0, flat[b], v * K, K);
            }
        }
        return Nd4j.create(flat).castTo(type);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 8})
    void lossEqualsTheFormulaInFloat64(int localCrops) {
        Random rng = new Random(localCrops);
        double[][][] teacher = random(rng, 2, true);
        double[][][] student = random(rng, 2 + localCrops, false);
        double expected = reference(teacher, student);
        double actual = new DinoLoss(STUDENT_TEMP).computeScore(rows(teacher, DataType.FLOAT),
                rows(student, DataType.FLOAT), new ActivationIdentity(), null, true);
        assertEquals(expected, actual, 1e-5 * Math.abs(expected), "loss with " + localCrops + " local crops");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 8})
    void gradientMatchesFiniteDifferences(int localCrops) {
        Random rng = new Random(100 + localCrops);
        double[][][] teacher = random(rng, 2, true);
        double[][][] student = random(rng, 2 + localCrops, false);
        DinoLoss loss = new DinoLoss(STUDENT_TEMP);
        INDArray labels = rows(teacher, DataType.DOUBLE);
        INDArray logits = rows(student, DataType.DOUBLE);
        // DL4J's loss gradients are per example (the updater divides by the batch); the score is the batch mean.
        INDArray analytic = loss.computeGradient(labels, logits, new ActivationIdentity(), null).div(BATCH);
        double h = 1e-6;
        for (int b = 0; b < BATCH; b++) {
            for (int j = 0; j < logits.size(1); j++) {
                double original = logits.getDouble(b, j);
                logits.putScalar(b, j, original + h);
                double up = loss.computeScore(labels, logits, new ActivationIdentity(), null, true);
                logits.putScalar(b, j, original - h);
                double down = loss.computeScore(labels, logits, new ActivationIdentity(), null, true);
                logits.putScalar(b, j, original);
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, analytic.getDouble(b, j), 1e-6 + 1e-5 * Math.abs(numeric), "d loss / d z[" + b + "," + j + "]");
            }
        }
    }

    @Test
    void maskedRowsCountForNothing() {
        Random rng = new Random(7);
        INDArray labels = rows(random(rng, 2, true), DataType.DOUBLE);
        INDArray logits = rows(random(rng, 4, false), DataType.DOUBLE);
        INDArray mask = Nd4j.create(new double[][] {{1}, {0}, {1}, {0}});
        DinoLoss loss = new DinoLoss(STUDENT_TEMP);
        INDArray scores = loss.computeScoreArray(labels, logits, new ActivationIdentity(), mask);
        assertEquals(0.0, scores.getDouble(1, 0));
        assertEquals(0.0, loss.computeGradient(labels, logits, new ActivationIdentity(), mask).getRow(3).norm2Number().doubleValue());
    }

    @Test
    void shapesThatAreNotTwoTeacherViewsAreRejected() {
        DinoLoss loss = new DinoLoss(STUDENT_TEMP);
        INDArray labels = Nd4j.ones(DataType.FLOAT, 2, 2 * K);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.computeScore(labels, Nd4j.ones(DataType.FLOAT, 2, 3 * K + 1), new ActivationIdentity(), null, true));
        assertEquals(true, e.getMessage().contains("[B, 2K]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DinoLoss(0));
    }
}
