package io.dinospark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.TestConfigs;
import io.dinospark.config.DinoConfig;
import io.dinospark.teacher.TeacherTargets;
import io.dinospark.teacher.Center;

class DinoNetworkTest {

    @Test
    void studentAndTeacherRowsGivePerCropLogits() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        MultiLayerNetwork student = DinoNetwork.create(config);
        CropLayout crops = new CropLayout(16, 8);
        INDArray rows = Nd4j.rand(DataType.FLOAT, 3, crops.rowWidth(2));
        INDArray out = student.output(rows);
        assertArrayEquals(new long[] {3, 4 * 20}, out.shape());

        MultiLayerNetwork teacher = DinoNetwork.create(config);
        INDArray teacherRows = rows.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, crops.rowWidth(0)));
        INDArray teacherOut = teacher.output(teacherRows);
        assertArrayEquals(new long[] {3, 2 * 20}, teacherOut.shape());

        INDArray targets = TeacherTargets.probabilities(teacherOut, Center.zeros(20).value(), 0.04);
        student.fit(new DataSet(rows, targets));
        assertTrue(Double.isFinite(student.score()), "score " + student.score());
    }
}
