/**
 * Evaluation of classifiers on labelled tiles. {@link LabelledTiles} reads a labels CSV, {@link
 * EmbeddedTiles} embeds the tiles once for every classifier an evaluation runs, and {@link
 * MetricsReport} gives each metric with its bootstrap interval and the confusion matrix. {@link
 * ZeroShotEvaluation} is the library call behind {@code pathlens eval zeroshot}: a prompt set's
 * metrics, the leave-one-out {@link PromptAblation} that shows which prompts help, and optionally
 * {@link FewShotEvaluation}, classifiers trained on N labelled tiles per class against the prompts
 * on the same test set.
 */
package org.pathlens.eval.classify;
