package io.dinospark.train;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Engine;
import io.dinospark.engine.StudentState;
import io.dinospark.interop.ImportedWeights;

/**
 * The student a new run starts from: the engine's seeded initialisation, with the backbone (and the head, when the
 * file has one) of {@code train.init_weights} when it names a file; AdamW's moments at zero either way.
 */
final class StartingStudent {

    private static final Logger LOG = LoggerFactory.getLogger(StartingStudent.class);

    private StartingStudent() {
    }

    static StudentState of(Engine engine, DinoConfig config, Configuration hadoop) {
        StudentState initial = engine.initialStudent(config);
        String file = config.train().initWeights();
        if (file.isEmpty()) {
            return initial;
        }
        try {
            Path path = new Path(file);
            ImportedWeights weights = ImportedWeights.read(path.getFileSystem(hadoop), path);
            float[] params = weights.intoNetwork(config, initial.params().toFloatVector());
            LOG.info("the student and teacher start from train.init_weights = {} ({} tensors)", file, weights.tensors().size());
            return new StudentState(Nd4j.create(params), initial.optimizer(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("train.init_weights = " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("train.init_weights = " + file + ": " + e.getMessage(), e);
        }
    }
}
