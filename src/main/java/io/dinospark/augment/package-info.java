/** DINO's multi-crop augmentation (the authors' DataAugmentationDINO with torchvision/PIL semantics) on float images. */
package io.dinospark.augment;
