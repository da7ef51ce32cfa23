/**
 * Zero-shot classification with prompt ensembles, and the {@link Classifier} interface every
 * classifier answers in ({@link ClassProbabilities}). {@link PromptSetReader} reads a {@link
 * PromptSet} (classes with synonyms, templates); {@link ZeroShotClassifier} embeds every synonym ×
 * template prompt, averages them per class as CONCH does, and gives probabilities
 * softmax(logit_scale × cosine). {@link PromptEmbeddings} keeps the prompts' embeddings apart for
 * ablation, and {@link ClassEmbeddingCache} keeps class embeddings per (bundle, prompt set) content
 * hash, in memory and optionally on disk, so that the text encoder runs once. Classifiers take
 * unit-norm image embeddings, never pixels: whether they come from an encoder or an index is the
 * caller's business.
 */
package org.pathlens.prompts;
