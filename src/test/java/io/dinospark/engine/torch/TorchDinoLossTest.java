package io.dinospark.engine.torch;

import static io.dinospark.engine.torch.Tensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.loss.DinoLoss;

class TorchDinoLossTest {

    private static final double TAU = 0.1;
    /** B = 2 images, 3 views (2 global + 1 local), K = 3. */
    private static final double[][] LOGITS = {
            {0.5, -1.0, 2.0, 0.1, 0.3, -0.2, 1.5, 0.0, -0.7},
            {-0.4, 0.9, 0.2, 1.1, -0.6, 0.05, 0.3, 0.3, -1.2}};
    /** Teacher probabilities of the two global crops, each summing to 1. */
    private static final double[][] TARGETS = {
            {0.7, 0.2, 0.1, 0.1, 0.3, 0.6},
            {0.2, 0.5, 0.3, 0.9, 0.05, 0.05}};

    /** The formula, written out: mean over images of 1/n_pairs sum_{i in {0,1}} sum_{v != i} H(P_t(i), P_s(v)). */
    private static double byHand() {
        int k = 3;
        int views = 3;
        double total = 0;
        for (int b = 0; b < LOGITS.length; b++) {
            double image = 0;
            for (int i = 0; i < 2; i++) {
                for (int v = 0; v < views; v++) {
                    if (v == i) {
                        continue;
                    }
                    double logSumExp = 0;
                    for (int c = 0; c < k; c++) {
                        logSumExp += Math.exp(LOGITS[b][v * k + c] / TAU);
                    }
                    logSumExp = Math.log(logSumExp);
                    for (int c = 0; c < k; c++) {
                        image -= TARGETS[b][i * k + c] * (LOGITS[b][v * k + c] / TAU - logSumExp);
                    }
                }
            }
            total += image / (2 * views - 2);
        }
        return total / LOGITS.length;
    }

    private static float[] flat(double[][] rows) {
        float[] v = new float[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < rows[r].length; c++) {
                v[r * rows[r].length + c] = (float) rows[r][c];
            }
        }
        return v;
    }

    private static Tensor tensor(double[][] rows) {
        return AbstractTensor.create(flat(rows), rows.length, rows[0].length);
    }

    private static INDArray array(double[][] rows) {
        return Nd4j.create(flat(rows), new long[] {rows.length, rows[0].length}, DataType.FLOAT);
    }

    @Test
    void lossIsTheFormulaAndTheDl4jLoss() {
        double expected = byHand();
        // ND4J before the scope: it must not allocate inside one.
        double dl4j = new DinoLoss(TAU).computeScore(array(TARGETS), array(LOGITS), new ActivationIdentity(), null, true);
        assertEquals(expected, dl4j, 1e-6 * expected);
        try (PointerScope scope = new PointerScope()) {
            double loss = TorchDinoLoss.loss(tensor(LOGITS), tensor(TARGETS), TAU).item_double();
            assertEquals(expected, loss, 1e-6 * expected);
        }
    }

    @Test
    void gradientIsDl4jsAnalyticGradientOverTheBatch() {
        // DinoLoss gives each row the gradient of its own loss; the mean over the batch divides by B.
        INDArray dl4j = new DinoLoss(TAU).computeGradient(array(TARGETS), array(LOGITS), new ActivationIdentity(), null)
                .divi(LOGITS.length);
        Tensors.Floats expected = Tensors.Floats.of(dl4j);
        try (PointerScope scope = new PointerScope()) {
            Tensor logits = tensor(LOGITS).requires_grad_(true);
            TorchDinoLoss.loss(logits, tensor(TARGETS), TAU).backward();
            assertClose("dL/dz", expected, logits.grad(), 1e-6);
        }
    }

    @Test
    void targetsGetNoGradient() {
        try (PointerScope scope = new PointerScope()) {
            Tensor targets = tensor(TARGETS).requires_grad_(true);
            Tensor loss = TorchDinoLoss.loss(tensor(LOGITS).requires_grad_(true), targets, TAU);
            loss.backward();
            assertFalse(targets.grad().defined());
        }
    }

    @Test
    void rejectsWhatIsNotDinoLossInput() {
        try (PointerScope scope = new PointerScope()) {
            Tensor logits = tensor(LOGITS);
            Tensor targets = tensor(TARGETS);
            assertThrows(IllegalArgumentException.class, () -> TorchDinoLoss.loss(logits, targets, 0.0));
            Tensor oddTargets = targets.narrow(1, 0, 5);
            assertThrows(IllegalArgumentException.class, () -> TorchDinoLoss.loss(logits, oddTargets, TAU));
            Tensor oneView = logits.narrow(1, 0, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TorchDinoLoss.loss(oneView, targets, TAU));
            assertTrue(e.getMessage().contains("at least the 2 global crops"), e.getMessage());
            Tensor oneImage = targets.narrow(0, 0, 1);
            assertThrows(IllegalArgumentException.class, () -> TorchDinoLoss.loss(logits, oneImage, TAU));
        }
    }
}
