/**
 * DICOM whole-slide images (VL Whole Slide Microscopy) without a DICOM library: {@link
 * org.pathlens.slides.dicom.DicomParser} walks a Part 10 header up to the pixel data, {@link
 * org.pathlens.slides.dicom.DicomSeries} groups a folder's instances into pyramid levels and
 * associated images, {@link org.pathlens.slides.dicom.FrameTable} finds each frame's bytes through
 * the offset tables, {@link org.pathlens.slides.dicom.TileGrid} places frames on the tile grid
 * (TILED_FULL or TILED_SPARSE), and {@link org.pathlens.slides.dicom.LevelFrames} decodes a tile.
 * {@code org.pathlens.slides.DicomSlideReader} puts them behind the slide-reader interface.
 */
package org.pathlens.slides.dicom;
