package io.dinospark.cli;

import java.io.File;
import java.util.concurrent.Callable;

import io.dinospark.data.FashionMnist;
import io.dinospark.data.SyntheticImageSet;
import io.dinospark.data.WrittenImageSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a training set in ImageNet layout ({@code <out>/train/<class>/...}, {@code <out>/val/<class>/...}). */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = "Write an image set in ImageNet layout: Fashion-MNIST from its Debian package, or synthetic images.")
final class PrepareCommand implements Callable<Integer> {

    enum Dataset { AUTO, FASHION_MNIST, SYNTHETIC }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output root (any Hadoop FileSystem URI).")
    String out;

    @Option(names = "--dataset", defaultValue = "auto", converter = DatasetConverter.class,
            description = "auto (Fashion-MNIST when its package is installed, else synthetic), fashion-mnist or synthetic. Default: ${DEFAULT-VALUE}.")
    Dataset dataset;

    @Option(names = "--source", defaultValue = FashionMnist.DEFAULT_DIRECTORY,
            description = "Folder of the Fashion-MNIST IDX files. Default: ${DEFAULT-VALUE}.")
    String source;

    @Option(names = "--limit", defaultValue = "0", description = "Fashion-MNIST: at most this many images per split (0 = all).")
    int limit;

    @Option(names = "--holdout", defaultValue = "0", paramLabel = "N",
            description = "Also write N labelled images to <out>/holdout/, apart from train and val, to choose settings"
                    + " on (Fashion-MNIST: the training images after those of train/; synthetic: N / classes per class)."
                    + " Default: ${DEFAULT-VALUE}.")
    int holdout;

    @Option(names = "--classes", defaultValue = "10", description = "Synthetic: number of classes. Default: ${DEFAULT-VALUE}.")
    int classes;

    @Option(names = "--train-per-class", defaultValue = "200", description = "Synthetic: training images per class. Default: ${DEFAULT-VALUE}.")
    int trainPerClass;

    @Option(names = "--val-per-class", defaultValue = "50", description = "Synthetic: validation images per class. Default: ${DEFAULT-VALUE}.")
    int valPerClass;

    @Option(names = "--seed", defaultValue = "0", description = "Synthetic: seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--index", description = "Also write <out>/<split>/index.tsv (path, size, label) for training to read instead of listing.")
    boolean index;

    @Override
    public Integer call() throws Exception {
        boolean fashion = dataset == Dataset.FASHION_MNIST || dataset == Dataset.AUTO && new File(source).isDirectory();
        WrittenImageSet written = fashion
                ? FashionMnist.write(source, out, limit, holdout, index)
                : new SyntheticImageSet(classes, seed).write(out, trainPerClass, valPerClass, holdout / classes, index);
        System.out.printf("wrote %s images to %s: %d train, %d val, %d holdout, %d classes%n",
                fashion ? "Fashion-MNIST" : "synthetic", written.root(), written.images("train"), written.images("val"),
                written.images(WrittenImageSet.HOLDOUT), written.classFolders().size());
        return 0;
    }

    static final class DatasetConverter implements picocli.CommandLine.ITypeConverter<Dataset> {
        @Override
        public Dataset convert(String value) {
            try {
                return Dataset.valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value
                        + "' is not a dataset; expected auto, fashion-mnist or synthetic");
            }
        }
    }
}
