package io.dinospark.attention;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.augment.EvaluationView;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Attention;
import io.dinospark.engine.Engine;
import io.dinospark.eval.TrainedRun;
import io.dinospark.train.Checkpoints;

/**
 * Attention maps of a checkpoint's teacher (or student), or of imported weights, for some images, written as PNGs (see {@link AttentionPngs}):
 * the images are resized and centre-cropped to the global crop size and normalised as for evaluation, the last
 * block's CLS attention is taken per head, and each map is drawn at the image's size.
 */
public final class AttentionExport {

    private static final Logger LOG = LoggerFactory.getLogger(AttentionExport.class);
    private static final int BATCH = 32;

    /**
     * Whose attention: a ViT's configuration and flat parameters (a whole network's, or the backbone's alone, which
     * comes first in the layout), and what they are, for the log.
     */
    public record Network(DinoConfig config, INDArray params, String description) {

        /** A checkpoint's teacher, or its student. */
        public static Network checkpoint(Path checkpoint, boolean student, Configuration hadoop) throws IOException {
            Checkpoints.State state = new Checkpoints(checkpoint.getParent(), hadoop, Integer.MAX_VALUE).load(checkpoint);
            return new Network(ConfigLoader.parseRendered(state.config()),
                    student ? state.student().params() : state.teacher(),
                    (student ? "student" : "teacher") + " at step " + state.nextStep() + " (" + checkpoint + ")");
        }

        /** A run's teacher as evaluation loads it: imported weights ({@link TrainedRun#imported}) included. */
        public static Network teacher(TrainedRun run) {
            return new Network(run.config(), run.teacherParams(), "teacher at step " + run.step() + " (" + run.directory() + ")");
        }
    }

    /**
     * What to draw and where.
     *
     * @param images        the image files
     * @param out           the folder the per-image folders go into
     * @param minSide       pictures are enlarged (nearest, whole multiples) to at least this many pixels a side
     * @param fraction      attention mass the masks keep
     */
    public record Request(List<Path> images, Path out, int minSide, double fraction) {
    }

    private AttentionExport() {
    }

    /** The newest checkpoint of a run directory; an error naming the directory when it has none. */
    public static Path latestCheckpoint(Path run, Configuration hadoop) throws IOException {
        return new Checkpoints(run, hadoop, Integer.MAX_VALUE).newestDirectory();
    }

    /** {@code count} images spread over the image files under {@code root}. */
    public static List<Path> imagesUnder(Path root, int count, Configuration hadoop) throws IOException {
        return AttentionInputs.spreadOver(root.getFileSystem(hadoop), root, count);
    }

    /** Writes the maps; returns the folders written, one per image. */
    public static List<Path> run(Network network, Request request, Configuration hadoop) throws IOException {
        DinoConfig config = network.config();
        Attention attention = Engine.of(config).attention(config, network.params());
        LOG.info("attention of the {}, {} heads on a {}x{} grid of {} px patches", network.description(),
                attention.heads(), attention.grid(), attention.grid(), attention.patchSize());

        int size = attention.imageSize();
        int scale = Math.max(1, (request.minSide() + size - 1) / size);
        EvaluationView view = new EvaluationView(size, config.augment().mean(), config.augment().std());
        FileSystem outFs = request.out().getFileSystem(hadoop);
        List<Path> written = new ArrayList<>();
        for (int start = 0; start < request.images().size(); start += BATCH) {
            List<AttentionInputs.Prepared> batch = new ArrayList<>();
            for (int i = start; i < Math.min(start + BATCH, request.images().size()); i++) {
                Path file = request.images().get(i);
                batch.add(AttentionInputs.prepare(file.getFileSystem(hadoop), file, i, view));
            }
            INDArray pixels = Nd4j.create(DataType.FLOAT, batch.size(), 3, size, size);
            for (int b = 0; b < batch.size(); b++) {
                pixels.slice(b).assign(Nd4j.create(batch.get(b).normalised(), new long[] {3, size, size}, DataType.FLOAT));
            }
            List<AttentionMaps> maps = AttentionMaps.of(batch.stream().map(AttentionInputs.Prepared::name).toList(),
                    batch.stream().map(AttentionInputs.Prepared::shown).toList(), attention.patchAttention(pixels));
            for (AttentionMaps m : maps) {
                written.add(AttentionPngs.write(m, attention.patchSize(), scale, request.fraction(), outFs, request.out()));
            }
        }
        return written;
    }
}
