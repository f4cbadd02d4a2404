package io.dinospark.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The reference's parameter initialisations. */
final class ParamInit {

    /** {@code trunc_normal_(std=0.02)} truncates at +-2 in absolute value, as the reference does. */
    private static final double TRUNCATION = 2.0;

    private ParamInit() {
    }

    /** Normal(0, std) truncated to [-2, 2] by redrawing, as timm's {@code trunc_normal_}. */
    static void truncatedNormal(INDArray view, double std) {
        view.assign(Nd4j.randn(view.dataType(), view.shape()).muli(std));
        while (view.amaxNumber().doubleValue() > TRUNCATION) {
            INDArray outside = Transforms.abs(view, true).gt(TRUNCATION).castTo(view.dataType());
            INDArray redraw = Nd4j.randn(view.dataType(), view.shape()).muli(std);
            view.muli(outside.rsub(1)).addi(redraw.muli(outside));
        }
    }

    /** PyTorch's default for convolutions and their biases: Uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
    static void uniformFanIn(INDArray view, long fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        view.assign(Nd4j.rand(view.dataType(), view.shape()).muli(2 * bound).subi(bound));
    }
}
