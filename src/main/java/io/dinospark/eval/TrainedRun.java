package io.dinospark.eval;

import java.io.IOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.data.ImageSource;
import io.dinospark.interop.ImportedWeights;
import io.dinospark.train.Checkpoints;

/**
 * A run directory as evaluation sees it: the configuration and teacher of its newest checkpoint, and the step
 * it was taken at; or an imported backbone ({@link ImportedWeights}) standing in for one.
 *
 * @param directory     the run directory, or the imported file
 * @param teacherParams the teacher's flat parameters ({@link io.dinospark.model.ParameterLayout}): the whole
 *                      network's, (imported) the backbone's alone, or (fine-tuned) the classifier's; the backbone
 *                      comes first in each
 * @param classes       a fine-tuned classifier's classes ({@code finetune}); 0 for a DINO network
 */
public record TrainedRun(String directory, DinoConfig config, long step, INDArray teacherParams, int classes) {

    /** @throws IOException naming the directory when it holds no checkpoint */
    public static TrainedRun load(String directory, Configuration hadoop) throws IOException {
        Checkpoints.Teacher teacher = new Checkpoints(new Path(directory), hadoop, 1).latestTeacher();
        return new TrainedRun(directory, ConfigLoader.parseRendered(teacher.config()), teacher.step(), teacher.params(),
                teacher.classes());
    }

    /**
     * A safetensors file under the authors' names as a run: the architecture its names and shapes imply, evaluated
     * at {@code imageSize} pixels (position embeddings resampled to that grid), the rest of the configuration the
     * defaults; the step is the file's metadata's, or 0.
     */
    public static TrainedRun imported(String file, int imageSize, Configuration hadoop) throws IOException {
        Path path = new Path(file);
        ImportedWeights weights = ImportedWeights.read(path.getFileSystem(hadoop), path);
        DinoConfig config = weights.evaluationConfig(imageSize);
        return new TrainedRun(file, config, weights.step(), weights.backboneParams(config), 0);
    }

    /** This run evaluated on engine {@code name} (both read the same parameters the same way). */
    public TrainedRun withEngine(String name) {
        DinoConfig c = config;
        return new TrainedRun(directory, new DinoConfig(c.model(), c.crops(), c.dino(), c.optim(),
                c.train().withEngine(name), c.augment(), c.data(), c.eval()), step, teacherParams, classes);
    }

    /** The run's teacher backbone, reading its last {@code blocks} blocks. */
    public FeatureModel teacher(int blocks) {
        return FeatureModel.backbone(FeatureModel.TEACHER, config, teacherParams, blocks);
    }

    /**
     * The features a result names: {@code teacher} (this run's), {@code random-init} (the backbone a new run of this
     * configuration starts from) or {@code raw-pixels}; the feature is the last block's.
     */
    public FeatureModel features(String name) {
        return switch (name) {
            case FeatureModel.TEACHER -> teacher(1);
            case FeatureModel.RANDOM_INIT -> FeatureModel.randomInit(config, 1);
            case FeatureModel.RAW_PIXELS -> FeatureModel.rawPixels();
            default -> throw new IllegalArgumentException("features '" + name + "' are not one of "
                    + FeatureModel.TEACHER + ", " + FeatureModel.RANDOM_INIT + ", " + FeatureModel.RAW_PIXELS);
        };
    }

    /** The images at {@code root}, laid out as the run's training data; {@code null}: the training data itself. */
    public ImageSource images(String root) {
        ImageSource training = ImageSource.of(config.data());
        return root == null ? training : training.at(root);
    }
}
