/**
 * A model bundle as a directory of files, the public contract between a Python export and PathLens.
 * {@link ModelBundle} checks the files, reads {@code model.json} into a {@link ModelConfig} (its
 * {@link ImageConfig} and {@link TextConfig} halves) and the optional {@link Canary}, and hashes
 * the weights so that an index can tell which model made it. Every problem is a {@link
 * BundleException} naming the file and the field, so that a user can fix the export from the
 * message alone. Nothing here runs a model: whether the TorchScript loads, gives {@code
 * embedding_dim} outputs and agrees with the canary is checked when {@link
 * org.pathlens.encoders.VisionLanguageModel} loads the encoders.
 */
package org.pathlens.encoders.bundle;
