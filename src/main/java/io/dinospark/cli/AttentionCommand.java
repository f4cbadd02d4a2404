package io.dinospark.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import io.dinospark.attention.AttentionExport;
import io.dinospark.attention.AttentionMask;
import io.dinospark.report.RunReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes the last block's CLS attention maps of a ViT checkpoint (or of a safetensors ViT) for some images as PNGs. */
@Command(name = "attention", mixinStandardHelpOptions = true,
        description = {"Attention maps of a ViT checkpoint (or of imported --weights): per image, the last block's CLS attention of each head, "
                + "their mean, and the masks keeping 60%% of the attention mass, as PNGs.",
                "Writes <out>/<NN-class-file>/{image,mean,mask-mean,head-H,mask-head-H}.png."})
final class AttentionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--run", paramLabel = "DIR", description = "A run directory: its newest checkpoint; the maps go to DIR/attention unless --out says otherwise.")
        String run;

        @Option(names = "--checkpoint", paramLabel = "DIR", description = "One checkpoint directory (<run>/checkpoints/step-N).")
        String checkpoint;

        @Option(names = "--weights", paramLabel = "FILE",
                description = "A ViT backbone as a safetensors file under the authors' names (as features, knn and linear"
                        + " read it); needs --out.")
        String weights;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (any Hadoop FileSystem URI). Default: <run>/attention.")
    String out;

    @Option(names = "--data", paramLabel = "ROOT", description = "Take --count images spread evenly over the image files under ROOT (e.g. data/default/val).")
    String data;

    @Option(names = "--count", defaultValue = "8", description = "Images to take from --data. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--student", description = "Use the student's parameters (default: the teacher's, as DINO's figures do).")
    boolean student;

    @Option(names = "--image-size", paramLabel = "PX",
            description = "With --weights: the side the images are resized and cropped to (position embeddings are resampled"
                    + " to its grid). Default: crops.global_size's default, 224. A checkpoint uses its own crops.global_size.")
    Integer imageSize;

    @Option(names = "--min-side", defaultValue = "224", description = "Enlarge every picture (nearest, whole multiples) to at least this many pixels a side. Default: ${DEFAULT-VALUE}.")
    int minSide;

    @Option(names = "--mass", defaultValue = "" + AttentionMask.DINO_FRACTION, description = "Attention mass the masks keep. Default: ${DEFAULT-VALUE}.")
    double mass;

    @Parameters(paramLabel = "IMAGE", description = "Image files (any Hadoop FileSystem URI), besides or instead of --data.")
    List<String> images = List.of();

    @Override
    public Integer call() throws IOException {
        if (images.isEmpty() && data == null) {
            throw new ParameterException(spec.commandLine(), "give image files, or --data ROOT [--count N]");
        }
        if (out == null && source.run == null) {
            throw new ParameterException(spec.commandLine(), (source.weights != null ? "--weights" : "--checkpoint")
                    + " needs --out DIR");
        }
        if (source.weights == null ? imageSize != null : student) {
            throw new ParameterException(spec.commandLine(), source.weights == null
                    ? "--image-size goes with --weights; a checkpoint is drawn at its own crops.global_size"
                    : "--student goes with --run or --checkpoint; --weights is one backbone");
        }
        if (count < 1 || minSide < 1 || !(mass > 0 && mass <= 1)) {
            throw new ParameterException(spec.commandLine(),
                    "--count and --min-side must be >= 1 and --mass in (0, 1]; got " + count + ", " + minSide + ", " + mass);
        }
        Configuration hadoop = new Configuration();
        try {
            AttentionExport.Network network = source.weights != null
                    ? AttentionExport.Network.teacher(BackboneSource.imported(source.weights, imageSize, hadoop))
                    : AttentionExport.Network.checkpoint(source.checkpoint != null ? new Path(source.checkpoint)
                            : AttentionExport.latestCheckpoint(new Path(source.run), hadoop), student, hadoop);
            List<Path> files = new ArrayList<>(images.stream().map(Path::new).toList());
            if (data != null) {
                files.addAll(AttentionExport.imagesUnder(new Path(data), count, hadoop));
            }
            Path target = out != null ? new Path(out) : new Path(new Path(source.run), RunReport.ATTENTION_FOLDER);
            List<Path> written = AttentionExport.run(network,
                    new AttentionExport.Request(files, target, minSide, mass), hadoop);
            spec.commandLine().getOut().printf("wrote attention maps of %d images to %s%n", written.size(), target);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("attention: " + e.getMessage());
            return 1;
        }
    }
}
