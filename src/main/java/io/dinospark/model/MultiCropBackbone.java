package io.dinospark.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A backbone over packed multi-crop rows (DINO's {@code MultiCropWrapper}): the crops of each resolution go
 * through the backbone together, and the output row holds one feature per crop, in input order:
 * {@code [B, views * featureDim]}.
 */
public abstract class MultiCropBackbone extends DinoSameDiffLayer {

    private int globalSize;
    private int localSize;

    protected MultiCropBackbone() {
    }

    protected MultiCropBackbone(CropLayout crops) {
        this.globalSize = crops.globalSize();
        this.localSize = crops.localSize();
    }

    /** The crops of one resolution: views {@code [firstView, endView)} of rows holding {@code views} crops. */
    protected record CropGroup(int size, int firstView, int endView, int views) {
        int count() {
            return endView - firstView;
        }
    }

    CropLayout cropLayout() {
        return new CropLayout(globalSize, localSize);
    }

    /**
     * The backbone as evaluation reads it: no stochastic depth, and the feature made of the last {@code blocks}
     * blocks' outputs (ViT: CLS tokens, concatenated). The parameters are laid out as this backbone's.
     */
    public abstract MultiCropBackbone forEvaluation(int blocks);

    /** Width of the feature of one crop. */
    public abstract int featureDim();

    /**
     * Features of a group's crops, {@code [B * group.count(), featureDim]}, rows in (image, crop) order.
     *
     * @param crops the group's crops as images, {@code [B * group.count(), 3, size, size]}
     * @param mask  the layer's mask input, holding this pass's noise for all crops of each row
     */
    abstract SDVariable cropFeatures(SameDiff sd, SDVariable crops, Map<String, SDVariable> params, CropGroup group,
            SDVariable mask);

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        long width = ((InputType.InputTypeFeedForward) inputType).getSize();
        return InputType.feedForward((long) cropLayout().views(width) * featureDim());
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
        CropLayout layout = cropLayout();
        long width = input.getShape()[1];
        int views = layout.views(width);
        int globals = Math.min(views, CropLayout.GLOBAL_CROPS); // 1 for an evaluation row of one image
        long globalEnd = globals * layout.globalLength();
        List<SDVariable> features = new ArrayList<>();
        features.add(group(sd, input, params, mask, new CropGroup(globalSize, 0, globals, views), 0, globalEnd));
        if (views > CropLayout.GLOBAL_CROPS) {
            features.add(group(sd, input, params, mask, new CropGroup(localSize, CropLayout.GLOBAL_CROPS, views, views),
                    globalEnd, width));
        }
        return features.size() == 1 ? features.get(0) : sd.concat(1, features.toArray(new SDVariable[0]));
    }

    private SDVariable group(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask,
            CropGroup group, long beginColumn, long endColumn) {
        SDVariable crops = input.get(SDIndex.all(), SDIndex.interval(beginColumn, endColumn))
                .reshape(-1, CropLayout.CHANNELS, group.size(), group.size());
        return cropFeatures(sd, crops, params, group, mask).reshape(-1, (long) group.count() * featureDim());
    }

    public int getGlobalSize() { return globalSize; }
    public void setGlobalSize(int globalSize) { this.globalSize = globalSize; }
    public int getLocalSize() { return localSize; }
    public void setLocalSize(int localSize) { this.localSize = localSize; }
}
