/** Attention maps of a ViT checkpoint: the last block's CLS attention per head, their mean and the 60%-mass masks, as PNGs. */
package io.dinospark.attention;
