package io.dinospark.config;

/** Backbone architectures: the paper's ViT presets, a ViT sized by hand, and a small convnet for CPU runs. */
public enum Arch {
    VIT_TINY(192, 12, 3),
    VIT_SMALL(384, 12, 6),
    VIT_BASE(768, 12, 12),
    /** A ViT whose width, depth and heads come from {@code model.embed_dim}, {@code model.depth}, {@code model.num_heads}. */
    VIT(0, 0, 0),
    CONV(0, 0, 0);

    private final int embedDim;
    private final int depth;
    private final int numHeads;

    Arch(int embedDim, int depth, int numHeads) {
        this.embedDim = embedDim;
        this.depth = depth;
        this.numHeads = numHeads;
    }

    /** True for the fixed-size presets, whose width, depth and heads cannot be overridden. */
    public boolean isPreset() {
        return embedDim > 0;
    }

    public boolean isVit() {
        return this != CONV;
    }

    public int presetEmbedDim() { return embedDim; }

    public int presetDepth() { return depth; }

    public int presetNumHeads() { return numHeads; }

    /** The name used in configuration files, e.g. {@code vit_small}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
