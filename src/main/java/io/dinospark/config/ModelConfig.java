package io.dinospark.config;

import static io.dinospark.config.ConfigException.require;

import java.io.Serializable;
import java.util.List;

/**
 * Student/teacher network: backbone and DINO head. {@code embedDim}, {@code depth} and {@code numHeads} hold the
 * resolved values (the preset's for the ViT presets, 0 for the conv backbone, which does not use them).
 */
public record ModelConfig(Arch arch, int patchSize, int embedDim, int depth, int numHeads, double mlpRatio,
        boolean qkvBias, double dropPathRate, List<Integer> convChannels, int outDim, int headHiddenDim,
        int headBottleneckDim, boolean useBnInHead, boolean normLastLayer) implements Serializable {

    public ModelConfig {
        require(arch != null, "model.arch", null, "must be one of vit_tiny, vit_small, vit_base, vit, conv");
        require(patchSize > 0, "model.patch_size", patchSize, "must be > 0");
        if (arch == Arch.VIT) {
            require(embedDim > 0, "model.embed_dim", embedDim, "must be > 0");
            require(depth > 0, "model.depth", depth, "must be > 0");
            require(numHeads > 0, "model.num_heads", numHeads, "must be > 0");
            require(embedDim % numHeads == 0, "model.embed_dim", embedDim,
                    "must be divisible by model.num_heads = " + numHeads);
        } else {
            require(embedDim == arch.presetEmbedDim(), "model.embed_dim", embedDim,
                    "model.arch = " + arch.configName() + " fixes it to " + arch.presetEmbedDim());
            require(depth == arch.presetDepth(), "model.depth", depth,
                    "model.arch = " + arch.configName() + " fixes it to " + arch.presetDepth());
            require(numHeads == arch.presetNumHeads(), "model.num_heads", numHeads,
                    "model.arch = " + arch.configName() + " fixes it to " + arch.presetNumHeads());
        }
        require(mlpRatio > 0, "model.mlp_ratio", mlpRatio, "must be > 0");
        require(dropPathRate >= 0 && dropPathRate < 1, "model.drop_path_rate", dropPathRate, "must be in [0, 1)");
        require(convChannels != null && !convChannels.isEmpty()
                && convChannels.stream().allMatch(c -> c != null && c > 0), "model.conv_channels", convChannels,
                "must be a non-empty list of widths > 0");
        convChannels = List.copyOf(convChannels);
        require(outDim >= 2, "model.out_dim", outDim, "must be >= 2");
        require(headHiddenDim > 0, "model.head_hidden_dim", headHiddenDim, "must be > 0");
        require(headBottleneckDim > 0, "model.head_bottleneck_dim", headBottleneckDim, "must be > 0");
    }
}
