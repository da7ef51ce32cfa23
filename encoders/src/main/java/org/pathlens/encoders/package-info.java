/**
 * Runs a model bundle's TorchScript encoders on DJL's PyTorch engine and returns unit-norm
 * embeddings in one space. {@link VisionLanguageModel} loads a bundle, checks that both encoders
 * accept the declared inputs and agree with the bundle's canary ({@link CanaryCheck}), and holds
 * its {@link ImageEncoder} and {@link TextEncoder}; {@link ImageFileEmbedder} decodes files on a
 * small pool while the previous batch runs through the encoder. {@link TorchRuntime} starts the
 * engine once, offline, so that nothing is downloaded at run time, and {@link CpuIsaCap} caps
 * oneDNN at AVX2 before libtorch loads, because its AVX-512 convolutions give wrong embeddings on
 * some CPUs. This is the only package that touches DJL: everything downstream works on the float
 * vectors it returns. The module depends on no other PathLens module, so the encoders can be used
 * without slides, an index or a server.
 */
package org.pathlens.encoders;
