/**
 * Classification of what an index holds, from its stored embeddings. {@link IndexClassifier}
 * classifies tile by tile ({@link TileClassification}) or slide by slide ({@link
 * SlideClassification}) with MI-Zero/CONCH pooling ({@link SlidePooling}: per class the mean of the
 * top K tile cosines, K from the slide's tile count by default). {@link SlideViews} draws what a
 * viewer shows of one slide: a class's probability per tile over its thumbnail ({@link
 * HeatmapPlot}, {@link Viridis}) and each class's most probable tiles ({@link ContactSheetPlot}).
 * No tile is decoded or encoded again; pixels are read only for the figures, from the slide file
 * each tile records as its source. The command line and the REST API both call these.
 */
package org.pathlens.prompts.slides;
