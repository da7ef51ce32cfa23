/**
 * Regions a pathologist drew on a slide, as QuPath exports them (GeoJSON in level-0 pixels, {@link
 * org.pathlens.index.regions.QuPathGeoJson}): the geometry that decides which tiles they hold
 * ({@link org.pathlens.index.regions.Polygon}, even-odd with holes; {@link
 * org.pathlens.index.regions.BoundingBox}), and the class and name a tile inside one records
 * ({@link org.pathlens.index.regions.SlideRegions}).
 */
package org.pathlens.index.regions;
