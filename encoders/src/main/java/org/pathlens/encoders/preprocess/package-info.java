/**
 * From an image file to the model's input tensor, exactly as the Python reference (Pillow 9.4,
 * torchvision 0.14) does it, so that a model sees the input it was evaluated on. {@link
 * ImageDecoder} decodes PNG, JPEG, TIFF, BMP and GIF into an {@link RgbImage} as {@code
 * Image.convert("RGB")} does, and refuses a decompression bomb from its header before any pixel is
 * decoded. {@link ImagePreprocessor} resizes ({@link PilResize}, bit-exact with PIL), crops ({@link
 * CenterCrop}) and normalises; golden tests hold each step to the reference's outputs. Plain Java,
 * no model and no native library: the slide readers and the figures reuse its images and its
 * resize.
 */
package org.pathlens.encoders.preprocess;
