package io.dinospark.engine;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * Which feature an evaluation reads off a backbone (the reference's evaluation scripts), as every engine computes it.
 *
 * @param descriptor what one image's vector is at one scale: the CLS feature, or CLS and GeM concatenated
 * @param multiscale the reference's {@code utils.multi_scale}: the view at {@link #SCALES} (bilinear as
 *                   {@code F.interpolate(x, scale_factor=s, mode='bilinear', align_corners=False)}), the descriptor
 *                   of each, averaged, then L2-normalised per image
 */
public record FeatureKind(Descriptor descriptor, boolean multiscale) implements Serializable {

    /** The feature every evaluation reads unless told otherwise: the CLS token (the convnet: its pooled last stage). */
    public static final FeatureKind CLS = new FeatureKind(Descriptor.CLS, false);

    /** {@code utils.multi_scale}'s scales, in its order. */
    public static final List<Double> SCALES = List.of(1.0, 1 / Math.sqrt(2), 0.5);

    /** GeM's exponent and the floor its input is clamped to ({@code eval_copy_detection.py}). */
    public static final double GEM_P = 4;
    public static final double GEM_FLOOR = 1e-6;

    /** What one image's vector is at one scale. */
    public enum Descriptor {
        /**
         * The CLS token of each block read, after the final LayerNorm (the convnet: the mean over its last stage's
         * feature map).
         */
        CLS,
        /**
         * {@code eval_copy_detection.py}'s feature: {@link #CLS}, then GeM of the last block's patch tokens after the
         * final LayerNorm, {@code clamp(min=1e-6).pow(4).mean(patches).pow(1/4)} per channel (the convnet: GeM over its
         * last stage's feature map, the patch tokens' analogue). Twice the CLS feature's width for one block.
         */
        CLS_GEM;

        /** The name users give it: {@code cls}, {@code cls-gem}. */
        public String userName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The descriptor called {@code name} ({@link #userName}); an error naming the choices otherwise. */
        public static Descriptor named(String name) {
            for (Descriptor d : values()) {
                if (d.userName().equals(name)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("--descriptor '" + name + "' is not one of cls, cls-gem");
        }
    }

    public FeatureKind {
        if (descriptor == null) {
            throw new IllegalArgumentException("a feature kind needs a descriptor");
        }
    }

    /** Side of the view at {@code scale}: {@code floor(size * scale)}, as {@code F.interpolate} sizes its output. */
    public static int scaledSize(int size, double scale) {
        return (int) Math.floor(size * scale);
    }

    /** How results and messages name it: {@code cls}, {@code cls-gem}, with {@code , multiscale} when it is. */
    public String describe() {
        return descriptor.userName() + (multiscale ? ", multiscale" : "");
    }
}
