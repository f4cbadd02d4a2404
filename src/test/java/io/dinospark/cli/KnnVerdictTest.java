package io.dinospark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.dinospark.eval.FeatureModel;
import io.dinospark.eval.KnnEvaluation.Row;

class KnnVerdictTest {

    private static List<Row> rows(double teacher, double randomInit, double raw) {
        return List.of(new Row(FeatureModel.TEACHER, 10, 0.5, 0.9), new Row(FeatureModel.TEACHER, 20, teacher, 0.9),
                new Row(FeatureModel.RANDOM_INIT, 10, 0.9, 0.9), new Row(FeatureModel.RANDOM_INIT, 20, randomInit, 0.9),
                new Row(FeatureModel.RAW_PIXELS, 10, 0.9, 0.9), new Row(FeatureModel.RAW_PIXELS, 20, raw, 0.9));
    }

    @Test
    void comparesTheTeacherWithBothBaselinesAtK20() {
        assertEquals("at k 20 the teacher's 81.20% is +1.50 points against the raw pixels (79.70%) and +11.10 against"
                + " its initial network (70.10%): DINO beat both", KnnCommand.verdict(rows(0.812, 0.701, 0.797), "DINO"));
        assertEquals("at k 20 the teacher's 75.30% is -4.40 points against the raw pixels (79.70%) and +5.20 against"
                + " its initial network (70.10%): DINO beat its initial network, not the raw pixels",
                KnnCommand.verdict(rows(0.753, 0.701, 0.797), "DINO"));
        assertEquals("at k 20 the teacher's 62.50% is -14.60 points against the raw pixels (77.10%) and -2.30 against"
                + " its initial network (64.80%): fine-tuning beat neither", KnnCommand.verdict(rows(0.625, 0.648, 0.771), "fine-tuning"));
    }

    @Test
    void withoutK20TheFirstKDecides() {
        List<Row> rows = List.of(new Row(FeatureModel.TEACHER, 5, 0.6, 1), new Row(FeatureModel.RANDOM_INIT, 5, 0.7, 1),
                new Row(FeatureModel.RAW_PIXELS, 5, 0.5, 1));
        assertEquals("at k 5 the teacher's 60.00% is +10.00 points against the raw pixels (50.00%) and -10.00 against"
                + " its initial network (70.00%): DINO beat the raw pixels, not its initial network",
                KnnCommand.verdict(rows, "DINO"));
    }
}
