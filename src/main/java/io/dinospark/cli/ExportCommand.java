package io.dinospark.cli;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.interop.SafeTensors;
import io.dinospark.interop.WeightsExport;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;
import io.dinospark.train.Checkpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a run's backbone as a safetensors file under the authors' parameter names, for PyTorch. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the newest checkpoint's teacher backbone (or the student's, or with the DINO head) as a"
                + " safetensors file under the parameter names and layouts of the authors' vision_transformer.py"
                + " (and timm's ViT): VisionTransformer.load_state_dict reads it. The convnet exports as conv.S.*."})
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory (any Hadoop FileSystem URI).")
    String run;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .safetensors file to write (must not exist).")
    String out;

    @Option(names = "--student", description = "Export the student's parameters (default: the teacher's, which evaluation reads).")
    boolean student;

    @Option(names = "--with-head", description = "Also export the DINO head (head.mlp.*, head.last_layer.weight_g/_v).")
    boolean withHead;

    @Override
    public Integer call() throws Exception {
        Configuration hadoop = new Configuration();
        Checkpoints checkpoints = new Checkpoints(new Path(run), hadoop, Integer.MAX_VALUE);
        String configText;
        long step;
        float[] params;
        int classes;
        if (student) {
            Checkpoints.State state = checkpoints.load(checkpoints.newestDirectory());
            configText = state.config();
            step = state.nextStep();
            params = state.student().params().toFloatVector();
            classes = state.classes();
        } else {
            Checkpoints.Teacher teacher = checkpoints.latestTeacher();
            configText = teacher.config();
            step = teacher.step();
            params = teacher.params().reshape(teacher.params().length()).toFloatVector();
            classes = teacher.classes();
        }
        DinoConfig config = ConfigLoader.parseRendered(configText);
        if (classes > 0) { // a fine-tuned classifier: its backbone, which comes first
            if (withHead) {
                throw new IllegalArgumentException(run + " is a fine-tuned classifier: its head is a linear layer to "
                        + classes + " classes, not DINO's head; export its backbone, without --with-head");
            }
            params = Arrays.copyOf(params, Math.toIntExact(ParameterLayout.of(config).length(DinoNetwork.BACKBONE)));
        }
        Map<String, SafeTensors.Tensor> tensors = WeightsExport.tensors(config, params, withHead);
        Path file = new Path(out);
        WeightsExport.write(file.getFileSystem(hadoop), file, tensors,
                WeightsExport.metadata(config, step, student ? "student" : "teacher"));
        spec.commandLine().getOut().printf("wrote the %s%s at step %d (%d tensors, %s %s) to %s%n",
                student ? "student" : "teacher", withHead ? " with its head" : "'s backbone", step, tensors.size(),
                config.model().arch().configName(), config.model().arch().isVit() ? "/" + config.model().patchSize() : "", out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
