/**
 * {@link RetrievalEvaluation}: how well embedded, captioned tiles find each other by exact cosine
 * search, text→image and image→text recall with label precision beside it, and image→image mMV@5
 * and mAP@5. The query's own slide is left out of the image→image candidates, because its other
 * tiles are near copies and would make every model look good. Intervals resample slides.
 */
package org.pathlens.eval.retrieval;
