/**
 * The authors' ViTs in and out: safetensors files under the parameter names of their {@code vision_transformer.py}
 * (and timm's), exported from a run or imported as a backbone for evaluation and as a training run's start.
 */
package io.dinospark.interop;
