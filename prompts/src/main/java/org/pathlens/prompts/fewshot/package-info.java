/**
 * Few-shot classifiers trained on labelled image embeddings ({@link LabelledEmbeddings}): {@link
 * LinearProbe} (multinomial logistic regression by L-BFGS), {@link PrototypeClassifier} (nearest
 * class mean) and {@link KnnClassifier}. They answer as {@link org.pathlens.prompts.Classifier}
 * does, so that evaluation compares them with zero-shot prompts on equal terms. Training is
 * deterministic (no randomness, ties broken by order, the probe's optimiser with a fixed iteration
 * budget), so the same labels give the same classifier on every run and machine. Nothing here loads
 * a model or needs a numerical library.
 */
package org.pathlens.prompts.fewshot;
