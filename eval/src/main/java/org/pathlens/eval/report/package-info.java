/**
 * Evaluation reports. {@link EvalReport} is what a report shows, whichever command made it; {@link
 * ReportWriter} writes it into a folder as one self-contained HTML page ({@link HtmlReport}: inline
 * CSS, figures embedded, no script, nothing fetched, every string from the data escaped), a JSON
 * file with every number at full precision ({@link JsonReport}) and the figures as PNG ({@link
 * ReportFigures}). {@link EvalRunReports} builds the report of an {@code eval run} config and
 * {@link ZeroShotReports} that of {@code eval zeroshot}; {@link ClassificationDetails} and {@link
 * EmbeddingMap} are the parts for classifiers and for the map of embeddings. The page is
 * self-contained so that it can be mailed or attached as it is.
 */
package org.pathlens.eval.report;
