package org.pathlens.prompts.slides;

import java.awt.geom.Path2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SlideRegions;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIds;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
import org.pathlens.slides.SlideTile;
import org.pathlens.slides.SlideTiler;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;

/**
 * A generated slide (pyramidal TIFF with its regions JSON) cut into 224-px tiles at 0.5 µm/px with
 * at least half tissue, embedded with the demo bundle and added to an index, the way an ingest does
 * it. Each tile's {@code label} is the ground-truth class at its centre, from the regions JSON.
 */
record IndexedSlide(String slideId, Path slide, SlideRegions regions, List<TileRecord> tiles) {

  static final TilingOptions TILING = TilingOptions.defaults();

  /**
   * Generates slide {@code slideId} of {@code center} into {@code dir} and adds its tiles to {@code
   * index}.
   */
  static IndexedSlide write(
      Path dir,
      String slideId,
      String center,
      long seed,
      int width,
      int height,
      VisionLanguageModel model,
      TileIndex index)
      throws IOException {
    SyntheticSlide.Summary summary =
        SyntheticSlide.write(
            dir.resolve(slideId + ".tiff"),
            new SyntheticSlide.Options(
                width, height, center, 5, seed, PyramidTiffWriter.Compression.JPEG, 2));
    SlideRegions regions = SlideRegions.read(summary.regions());
    List<TileRecord> records = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    try (SlideReader reader = SlideReaders.open(summary.slide())) {
      SlideTiler tiler = SlideTiler.of(reader, TILING, TissueDetector.defaults());
      List<SlideTile> tiles = tiler.tiles().toList();
      embeddings.addAll(model.images().encode(tiles.stream().map(SlideTile::image).toList()));
      for (SlideTile tile : tiles) {
        int x = (int) tile.position().x(), y = (int) tile.position().y();
        String truth =
            classAt(regions, x + tile.position().width() / 2.0, y + tile.position().height() / 2.0);
        records.add(
            new TileRecord(
                TileIds.ofPosition(slideId, x, y),
                slideId,
                "P-" + slideId,
                center,
                "HE",
                null,
                truth,
                null,
                x,
                y,
                tiler.plan().tileMpp(),
                summary.slide().toString(),
                Map.of()));
      }
    }
    index.add(records, embeddings);
    return new IndexedSlide(slideId, summary.slide(), regions, records);
  }

  static VisionLanguageModel demoModel() {
    return VisionLanguageModel.load(
        Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
  }

  static TileIndex openIndex(Path dir, VisionLanguageModel model) throws IOException {
    return TileIndex.open(dir, IndexProvenance.of(model.bundle()), IndexSettings.defaults());
  }

  /**
   * The class at a level-0 point: background off the section, else the last region holding it, else
   * the filler.
   */
  static String classAt(SlideRegions regions, double x, double y) {
    if (!polygon(regions.section()).contains(x, y)) {
      return regions.background();
    }
    for (int k = regions.regions().size() - 1; k >= 0; k--) {
      if (polygon(regions.regions().get(k).polygon()).contains(x, y)) {
        return regions.regions().get(k).label();
      }
    }
    return regions.filler();
  }

  private static Path2D polygon(List<double[]> points) {
    Path2D.Double path = new Path2D.Double(Path2D.WIND_EVEN_ODD);
    path.moveTo(points.getFirst()[0], points.getFirst()[1]);
    for (double[] p : points.subList(1, points.size())) {
      path.lineTo(p[0], p[1]);
    }
    path.closePath();
    return path;
  }
}
