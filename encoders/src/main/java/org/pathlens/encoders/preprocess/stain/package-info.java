/**
 * What happens to a decoded tile's stain before the model sees it: normalisation toward a target
 * ({@link StainNormalization}: Reinhard in CIE L*a*b*, or Macenko's stain vectors), estimated per
 * tile or once per slide, then test-time HED augmentation ({@link StainAugmentation}). {@link
 * StainOptions} holds both; an index records it, so that query images are embedded as its tiles
 * were. Targets ({@link StainTarget}) come from a JSON file, a reference tile or the defaults
 * shipped with PathLens ({@link StainTargets}). Why: centers stain and scan differently, and models
 * encode the center along with the tissue. Every step is a pure function of the pixels and a seed,
 * so the result does not depend on threads or tile order.
 */
package org.pathlens.encoders.preprocess.stain;
