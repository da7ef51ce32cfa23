/**
 * Whole-slide images, from file to tissue tiles. {@link SlideReaders} opens a slide with the back
 * end that fits the file: DICOM (a file, or a folder of one series) in pure Java ({@link
 * DicomSlideReader}, format parts in {@code slides.dicom}), generic TIFF in pure Java ({@link
 * TiffSlideReader}), so that generated slides need no native library, and vendor formats (SVS,
 * NDPI, MRXS, SCN, …) through OpenSlide over the FFM API ({@link OpenSlideReader}). {@link
 * TissueDetector} finds tissue on a low-resolution view ({@link TissueMask}), and {@link
 * SlideTiler} cuts square tiles at a requested µm/px, read lazily so that a slide of 100k tiles
 * streams in constant memory. Nothing here loads a model or knows about an index: of the encoders
 * it uses only their {@code RgbImage}, PIL's resize, so that tiles are resampled as the reference
 * resamples images, and the image decoder (DICOM's JPEG frames decode as every JPEG in PathLens
 * does).
 */
package org.pathlens.slides;
