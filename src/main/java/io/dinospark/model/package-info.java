/** The student/teacher network: multi-crop ViT and convolutional backbones and the DINO head, as DL4J SameDiff layers. */
package io.dinospark.model;
