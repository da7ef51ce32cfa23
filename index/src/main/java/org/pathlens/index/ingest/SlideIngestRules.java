package org.pathlens.index.ingest;

import java.util.Objects;

/**
 * What a slide ingest does with what the index already holds and which tiles it keeps.
 *
 * @param existing what to do with tiles the index already holds unchanged
 * @param replace ingest a slide whose id the index holds for another file or tiling in place of it
 *     (its tiles removed first) rather than refuse it ({@link SlideIdentity})
 * @param patients the patient of each slide, recorded on its tiles
 * @param regions the regions each slide's tiles are restricted to ({@link RegionFiles}): only
 *     tissue tiles whose centre lies in one are ingested, each recording its region's class and
 *     name
 */
public record SlideIngestRules(
    ExistingTiles existing, boolean replace, SlidePatients patients, RegionFiles regions) {

  /** Tiles kept, another file under a known id refused, no patients, every tile of a slide. */
  public static final SlideIngestRules DEFAULT =
      new SlideIngestRules(ExistingTiles.KEEP, false, SlidePatients.NONE, RegionFiles.NONE);

  public SlideIngestRules {
    Objects.requireNonNull(existing, "existing tiles");
    Objects.requireNonNull(patients, "patients");
    Objects.requireNonNull(regions, "regions");
  }

  public SlideIngestRules withExistingTiles(ExistingTiles value) {
    return new SlideIngestRules(value, replace, patients, regions);
  }

  public SlideIngestRules withReplace(boolean value) {
    return new SlideIngestRules(existing, value, patients, regions);
  }

  public SlideIngestRules withPatients(SlidePatients value) {
    return new SlideIngestRules(existing, replace, value, regions);
  }

  public SlideIngestRules withRegions(RegionFiles value) {
    return new SlideIngestRules(existing, replace, patients, value);
  }
}
