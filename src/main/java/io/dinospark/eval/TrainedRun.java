package io.dinospark.eval;

import java.io.IOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.data.ImageSource;
import io.dinospark.train.Checkpoints;

/**
 * A run directory as evaluation sees it: the configuration and teacher of its newest checkpoint, and the step
 * it was taken at.
 */
public record TrainedRun(String directory, DinoConfig config, long step, INDArray teacherParams) {

    /** @throws IOException naming the directory when it holds no checkpoint */
    public static TrainedRun load(String directory, Configuration hadoop) throws IOException {
        Checkpoints.Teacher teacher = new Checkpoints(new Path(directory), hadoop, 1).latestTeacher();
        return new TrainedRun(directory, ConfigLoader.parseRendered(teacher.config()), teacher.step(), teacher.params());
    }

    /** The run's teacher backbone, reading its last {@code blocks} blocks. */
    public FeatureModel teacher(int blocks) {
        return FeatureModel.backbone(FeatureModel.TEACHER, config, teacherParams, blocks);
    }

    /** The images at {@code root}, laid out as the run's training data; {@code null}: the training data itself. */
    public ImageSource images(String root) {
        ImageSource training = ImageSource.of(config.data());
        return root == null ? training : training.at(root);
    }
}
