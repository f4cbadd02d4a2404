package io.dinospark.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TeacherPiecesTest {

    @Test
    void targetsAreTheSharpenedCenteredSoftmaxPerGlobalCrop() {
        INDArray logits = Nd4j.create(new double[][] {{1, 2, 3, 0, 0, 1}}).castTo(DataType.DOUBLE);
        INDArray center = Nd4j.create(new double[][] {{0.5, 0, -0.5}}).castTo(DataType.DOUBLE);
        double temp = 0.5;
        INDArray p = TeacherTargets.probabilities(logits, center, temp);
        double[][] views = {{1, 2, 3}, {0, 0, 1}};
        double[] c = {0.5, 0, -0.5};
        for (int v = 0; v < 2; v++) {
            double norm = 0;
            for (int k = 0; k < 3; k++) {
                norm += Math.exp((views[v][k] - c[k]) / temp);
            }
            for (int k = 0; k < 3; k++) {
                assertEquals(Math.exp((views[v][k] - c[k]) / temp) / norm, p.getDouble(0, v * 3 + k), 1e-12);
            }
        }
    }

    @Test
    void entropyIsZeroForOneHotAndLnKForUniform() {
        assertEquals(0.0, TeacherTargets.meanEntropy(Nd4j.create(new double[][] {{1, 0, 0, 0}}), 4), 1e-9);
        assertEquals(Math.log(4), TeacherTargets.meanEntropy(Nd4j.ones(DataType.DOUBLE, 2, 8).divi(4), 4), 1e-9);
    }

    @Test
    void centerMovesTowardTheMeanTeacherOutput() {
        Center center = Center.of(Nd4j.create(new float[] {1, 1}));
        INDArray logits = Nd4j.create(new float[][] {{2, 0, 4, 0}, {0, 0, 2, 4}}); // 2 rows x 2 global crops, K = 2
        INDArray sum = Center.logitSum(logits, 2);
        assertEquals(Nd4j.create(new float[][] {{8, 4}}), sum);
        center.update(sum, 4, 0.9);
        // 0.9 * 1 + 0.1 * mean: mean over the 4 crops is (2, 1).
        assertEquals(Nd4j.create(new float[][] {{1.1f, 1.0f}}), center.value());
        assertThrows(IllegalArgumentException.class, () -> center.update(sum, 0, 0.9));
    }

    @Test
    void teacherIsTheEmaOfTheStudent() {
        INDArray student = Nd4j.create(new double[] {1, 2, 3});
        EmaTeacher teacher = new EmaTeacher(student);
        student.muli(0); // the teacher holds its own copy
        teacher.update(Nd4j.create(new double[] {3, 2, 1}), 0.75);
        assertEquals(Nd4j.create(new double[] {1.5, 2, 2.5}), teacher.params());
        assertThrows(IllegalArgumentException.class, () -> teacher.update(Nd4j.ones(4), 0.5));
    }
}
