/**
 * Retrieval evaluation. {@link RetrievalEvaluation}: how well embedded, captioned tiles find each
 * other by exact cosine search, text→image and image→text recall with label precision beside it,
 * and image→image mMV@5 and mAP@5 with the query's own slide left out (its other tiles are near
 * copies and would make every model look good); intervals resample slides. {@link CaseRetrieval}:
 * the case retrieval the field reports, Acc@k, MV@k and mAP@k as Patho-Bench defines them, among
 * tiles, slides or patients ({@link CaseItems}, pooled by {@link UnitMeanPooling}, patients by
 * early or late {@link PatientFusion}), with the query's own patient left out.
 */
package org.pathlens.eval.retrieval;
