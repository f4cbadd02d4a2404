"""The reference's evaluation features, for RetrievalFeaturesCrossCheckTest: utils.multi_scale and the CLS+GeM
feature of eval_copy_detection.py (its code, as the authors wrote it), on the authors' ViT (authors_vit.py) and on the
project's convnet written here in PyTorch (per stage conv2d 3x3 stride 2 padding 1, GELU).

  retrieval_features.py vit WEIGHTS IMAGES OUT    WEIGHTS under the authors' names (as export writes them)
  retrieval_features.py conv WEIGHTS IMAGES OUT   WEIGHTS: cSW [3, 3, in, out] and cSB [1, out] per stage S
                                                  (the project's layout)

IMAGES: "images" [B, 3, S, S]. OUT: "cls", "cls_multiscale", "clsgem", "clsgem_multiscale", each [B, D'].
"""
import sys

import torch
import torch.nn as nn

from authors_vit import read_safetensors, vit_from, write_safetensors


def multi_scale(samples, model):
    """utils.multi_scale as the authors wrote it."""
    v = None
    for s in [1, 1 / 2 ** (1 / 2), 1 / 2]:  # we use 3 different scales
        if s == 1:
            inp = samples.clone()
        else:
            inp = nn.functional.interpolate(samples, scale_factor=s, mode='bilinear', align_corners=False)
        feats = model(inp).clone()
        if v is None:
            v = feats
        else:
            v += feats
    v /= 3
    v /= v.norm()
    return v


def per_image(images, model):
    """eval_image_retrieval.py runs batch 1, so multi_scale's v.norm() is each image's own."""
    return torch.cat([multi_scale(images[i:i + 1], model) for i in range(images.shape[0])])


def gem_of_map(cls, feats):
    """eval_copy_detection.py's extract_features after it has the CLS token and the [b, d, h, w] patch map."""
    h, w = feats.shape[-2], feats.shape[-1]
    feats = feats.clamp(min=1e-6)
    feats = nn.functional.avg_pool2d(feats.pow(4), (h, w)).pow(1. / 4).reshape(len(feats), -1)
    return torch.cat((cls, feats), dim=1)


def vit_functions(model):
    patch = model.patch_embed.patch_size

    def clsgem(samples):
        feats = model.tokens(samples).clone()
        cls_output_token = feats[:, 0, :]
        b, h, w, d = len(samples), int(samples.shape[-2] / patch), int(samples.shape[-1] / patch), feats.shape[-1]
        feats = feats[:, 1:, :].reshape(b, h, w, d).permute(0, 3, 1, 2)
        return gem_of_map(cls_output_token, feats)

    return model, clsgem


def conv_functions(params):
    def feature_map(x):
        s = 0
        while "c%dW" % s in params:
            kernel = params["c%dW" % s].permute(3, 2, 0, 1)
            x = nn.functional.gelu(nn.functional.conv2d(x, kernel, params["c%dB" % s].reshape(-1), stride=2, padding=1))
            s += 1
        return x

    def cls(x):
        return feature_map(x).mean(dim=(2, 3))

    def clsgem(x):
        m = feature_map(x)
        return gem_of_map(m.mean(dim=(2, 3)), m)

    return cls, clsgem


def main():
    torch.set_num_threads(1)
    kind, weights, images, out = sys.argv[1:5]
    tensors, meta = read_safetensors(weights)
    x = read_safetensors(images)[0]["images"]
    cls, clsgem = vit_functions(vit_from(tensors, meta)) if kind == "vit" else conv_functions(tensors)
    with torch.no_grad():
        write_safetensors(out, {"cls": cls(x), "cls_multiscale": per_image(x, cls),
                                "clsgem": clsgem(x), "clsgem_multiscale": per_image(x, clsgem)}, {})


if __name__ == "__main__":
    main()
