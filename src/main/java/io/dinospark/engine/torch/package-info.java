/**
 * The torch engine: the same network on libtorch (JavaCPP's PyTorch presets), the reference's AdamW, and parameter
 * averaging through Spark with executor-resident networks. Native tensors live in {@code PointerScope}s; ND4J is
 * never called inside one.
 */
package io.dinospark.engine.torch;
