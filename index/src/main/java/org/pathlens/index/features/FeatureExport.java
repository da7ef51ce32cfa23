package org.pathlens.index.features;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableDataset;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.pathlens.index.FacetValue;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.SlideVector;
import org.pathlens.index.StoredTile;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIds;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/**
 * Writes an index's tile features back out per slide, for the next tool: TRIDENT's layout ({@code
 * features_<bundle>/<slide>.h5} with {@code features} [N, D] float32 and {@code coords} [N, 2]
 * int64, and TRIDENT's attributes), or NumPy files for those without HDF5 ({@code
 * <slide>/features.npy}, {@code coords.npy}, {@code tile_ids.csv}). The features are the raw
 * embeddings, before any batch correction, or, for a slide whose every tile was imported from
 * pre-projection features, those features as the file held them; the file says which ({@link
 * FeatureSpace#ATTRIBUTE} on {@code features}, {@code feature_space.txt} beside the npy files), so
 * that ingesting it again needs no flag. Slides are the tiles cut from a slide ({@code
 * <slide>@<x>,<y>}) with their slide record, which gives the patch size at level 0; a slide without
 * its record is left out and named.
 *
 * <p>Tiles that are not a slide's position tiles (tile folders, with or without a slide id in their
 * manifest) go, when the whole index is exported, into one file of their own: {@code
 * tiles_<bundle>/tiles.h5} with {@code features} and {@code tile_ids} (UTF-8 strings, row by row)
 * and no {@code coords}, since they have no place on a slide; or {@code tiles/features.npy} with
 * {@code tile_ids.csv}. It sits outside {@code features_<bundle>/}, which stays the TRIDENT layout
 * the next tool (and {@code ingest --features}) reads.
 *
 * <p>A slide's features are held in memory while its file is written (jHDF writes a dataset whole):
 * 100,000 tiles of D = 512 take 200 MB.
 */
public final class FeatureExport {

  /** The two layouts. */
  public enum Format {
    TRIDENT,
    NPY
  }

  /** What an export wrote and left out. */
  public record Summary(List<Path> files, long tiles, List<String> leftOut) {}

  /** The dataset of a tile folder's file that names each row's tile. */
  public static final String TILE_IDS = "tile_ids";

  private final TileIndex index;
  private final Format format;

  public FeatureExport(TileIndex index, Format format) {
    this.index = index;
    this.format = format;
  }

  /**
   * Exports {@code slideIds} (all the index's slides when empty) under {@code out}.
   *
   * @throws IllegalArgumentException naming a requested slide the index does not hold
   */
  public Summary export(Path out, List<String> slideIds) throws IOException {
    List<String> slides = slideIds.isEmpty() ? allSlides() : slideIds;
    List<Path> files = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    long tiles = 0;
    String bundle = index.provenance().bundleName();
    for (String slideId : slides) {
      Optional<SlideRecord> record = index.slideRecords().find(slideId);
      List<StoredTile> slideTiles = new ArrayList<>();
      index.forEachRawTile(
          TileFilter.slide(slideId),
          t -> {
            if (t.record().x() != null
                && t.record().y() != null
                && t.record()
                    .id()
                    .equals(TileIds.ofPosition(slideId, t.record().x(), t.record().y()))) {
              slideTiles.add(t);
            }
          });
      if (slideTiles.isEmpty()) {
        if (!slideIds.isEmpty()) {
          throw new IllegalArgumentException(
              "--slides " + slideId + ": no tiles of that slide in " + index.location());
        }
        continue;
      }
      if (record.isEmpty()) {
        leftOut.add(
            slideId
                + ": no slide record (its patch size at level 0 is unknown); ingest it with its"
                + " slide file to export it");
        continue;
      }
      slideTiles.sort(
          Comparator.comparingInt((StoredTile t) -> t.record().y())
              .thenComparingInt(t -> t.record().x()));
      files.add(
          format == Format.TRIDENT
              ? writeTrident(out.resolve("features_" + bundle), record.get(), slideTiles, bundle)
              : writeNpy(out.resolve(slideId), slideTiles));
      tiles += slideTiles.size();
    }
    if (format == Format.TRIDENT) {
      files.addAll(writeSlideVectors(out, slides, bundle));
    }
    if (slideIds.isEmpty()) {
      List<StoredTile> folderTiles = new ArrayList<>();
      index.forEachRawTile(
          TileFilter.ALL,
          t -> {
            if (!isSlidePositionTile(t.record())) {
              folderTiles.add(t);
            }
          });
      if (!folderTiles.isEmpty()) {
        folderTiles.sort(Comparator.comparing((StoredTile t) -> t.record().id()));
        files.add(
            format == Format.TRIDENT
                ? writeTileFolder(out.resolve("tiles_" + bundle), folderTiles, bundle)
                : writeNpyTileFolder(out.resolve("tiles"), folderTiles));
        tiles += folderTiles.size();
      }
    }
    return new Summary(files, tiles, leftOut);
  }

  /**
   * The slides' stored vectors, as TRIDENT writes slide embeddings: {@code
   * slide_features_<encoder>/<slide>.h5} with {@code features} [D] float32; PathLens's own mean is
   * written as TRIDENT names its mean pooling, {@code mean-<patch encoder>}.
   */
  private List<Path> writeSlideVectors(Path out, List<String> slides, String bundle)
      throws IOException {
    List<Path> files = new ArrayList<>();
    for (String method : index.slideVectors().methods()) {
      String encoder = method.equals(SlidePooling.MEAN) ? "mean-" + bundle : method;
      Path dir = out.resolve(SlideFeatureFile.FOLDER_PREFIX + encoder);
      for (String slideId : slides) {
        Optional<SlideVector> vector = index.slideVectors().find(slideId, method);
        if (vector.isEmpty()) {
          continue;
        }
        Files.createDirectories(dir);
        Path file = dir.resolve(slideId + ".h5");
        Path partial = dir.resolve(slideId + ".h5.partial");
        try (WritableHdfFile hdf = HdfFile.write(partial)) {
          WritableDataset f = hdf.putDataset(FeatureFile.FEATURES, vector.get().embedding());
          f.putAttribute("encoder", encoder);
          f.putAttribute("name", slideId);
          f.putAttribute("savetodir", dir.toAbsolutePath().toString());
          f.putAttribute("tiles", (long) vector.get().tiles());
        }
        moveIntoPlace(partial, file);
        files.add(file);
      }
    }
    return files;
  }

  /** A tile cut from a slide at a level-0 position ({@code <slide>@<x>,<y>}). */
  private static boolean isSlidePositionTile(TileRecord tile) {
    return tile.slideId() != null
        && tile.x() != null
        && tile.y() != null
        && tile.id().equals(TileIds.ofPosition(tile.slideId(), tile.x(), tile.y()));
  }

  /** The tiles without a place on a slide: their features and ids, no coordinates. */
  private static Path writeTileFolder(Path dir, List<StoredTile> tiles, String bundle)
      throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("tiles.h5");
    Path partial = dir.resolve("tiles.h5.partial");
    Rows rows = Rows.of(tiles);
    try (WritableHdfFile hdf = HdfFile.write(partial)) {
      WritableDataset f =
          hdf.putDataset(FeatureFile.FEATURES, rows.values().toArray(float[][]::new));
      f.putAttribute("encoder", bundle);
      f.putAttribute(FeatureSpace.ATTRIBUTE, rows.space().value());
      hdf.putDataset(TILE_IDS, tiles.stream().map(t -> t.record().id()).toArray(String[]::new));
    }
    moveIntoPlace(partial, file);
    return file;
  }

  /** {@code features.npy} and the tile ids (with their slide, where known), row by row. */
  private static Path writeNpyTileFolder(Path dir, List<StoredTile> tiles) throws IOException {
    Files.createDirectories(dir);
    Rows rows = Rows.of(tiles);
    int d = rows.values().getFirst().length;
    ByteBuffer features =
        ByteBuffer.allocate(tiles.size() * d * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    StringBuilder ids = new StringBuilder("row,tile_id,slide_id\n");
    for (int i = 0; i < tiles.size(); i++) {
      for (float v : rows.values().get(i)) {
        features.putFloat(v);
      }
      TileRecord t = tiles.get(i).record();
      ids.append(i)
          .append(',')
          .append(csv(t.id()))
          .append(',')
          .append(t.slideId() == null ? "" : csv(t.slideId()))
          .append('\n');
    }
    writeNpy(dir.resolve("features.npy"), "<f4", tiles.size(), d, features.array());
    Files.writeString(dir.resolve("tile_ids.csv"), ids, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("feature_space.txt"), rows.space().value() + "\n");
    return dir;
  }

  /** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
  private static String csv(String value) {
    return value.matches("(?s).*[,\"\r\n].*") ? '"' + value.replace("\"", "\"\"") + '"' : value;
  }

  private List<String> allSlides() throws IOException {
    List<String> ids = new ArrayList<>();
    for (FacetValue v : index.facet(TileFields.SLIDE_ID, Integer.MAX_VALUE)) {
      ids.add(v.value());
    }
    ids.sort(null);
    return ids;
  }

  /** TRIDENT's file and attributes for one slide. */
  private static Path writeTrident(
      Path dir, SlideRecord slide, List<StoredTile> tiles, String bundle) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(slide.slideId() + ".h5");
    Path partial = dir.resolve(slide.slideId() + ".h5.partial");
    Rows rows = Rows.of(tiles);
    float[][] features = rows.values().toArray(float[][]::new);
    long[][] coords = new long[tiles.size()][];
    for (int i = 0; i < tiles.size(); i++) {
      coords[i] = new long[] {tiles.get(i).record().x(), tiles.get(i).record().y()};
    }
    long patchSizeLevel0 = patchSizeLevel0(slide);
    try (WritableHdfFile hdf = HdfFile.write(partial)) {
      WritableDataset c = hdf.putDataset(FeatureFile.COORDS, coords);
      c.putAttribute("patch_size", (long) slide.tileSize());
      c.putAttribute("patch_size_level0", patchSizeLevel0);
      c.putAttribute("level0_magnification", magnification(slide.mppX()));
      c.putAttribute("target_magnification", magnification(slide.tileMpp()));
      c.putAttribute("overlap", 0L);
      c.putAttribute("name", slide.slideId());
      c.putAttribute("savetodir", dir.toAbsolutePath().toString());
      c.putAttribute("level0_width", slide.levels().getFirst().width());
      c.putAttribute("level0_height", slide.levels().getFirst().height());
      WritableDataset f = hdf.putDataset(FeatureFile.FEATURES, features);
      f.putAttribute("name", slide.slideId());
      f.putAttribute("savetodir", dir.toAbsolutePath().toString());
      f.putAttribute("encoder", bundle);
      f.putAttribute(FeatureSpace.ATTRIBUTE, rows.space().value());
    }
    // A reader never sees half a file: the finished one replaces any earlier in one step.
    moveIntoPlace(partial, file);
    return file;
  }

  /**
   * What a slide's file holds: its tiles' imported features where all have one, else embeddings.
   */
  private record Rows(List<float[]> values, FeatureSpace space) {
    static Rows of(List<StoredTile> tiles) {
      boolean features = tiles.stream().allMatch(t -> t.feature() != null);
      return new Rows(
          tiles.stream().map(t -> features ? t.feature() : t.embedding()).toList(),
          features ? FeatureSpace.PRE_PROJECTION : FeatureSpace.EMBEDDING);
    }
  }

  /** A finished file replaces any earlier one in one step: a reader never sees half a file. */
  private static void moveIntoPlace(Path partial, Path file) throws IOException {
    Files.move(
        partial,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The side of the slide's tiles in level-0 pixels (TRIDENT's {@code patch_size_level0}): the tile
   * size scaled from the tiles' µm/px to level 0's. What coordinates are counted in units of by a
   * slide encoder.
   */
  public static long patchSizeLevel0(SlideRecord slide) {
    return Math.round(slide.tileSize() * slide.tileMpp() / slide.mppX());
  }

  /**
   * TRIDENT's magnification convention: 10 µm/px-per-x, i.e. 0.25 µm/px is 40x, 0.5 is 20x (the
   * nearest integer).
   */
  static long magnification(double mpp) {
    return Math.round(10.0 / mpp);
  }

  /** {@code features.npy} (float32), {@code coords.npy} (int64) and the tile ids, row by row. */
  private static Path writeNpy(Path dir, List<StoredTile> tiles) throws IOException {
    Files.createDirectories(dir);
    Rows rows = Rows.of(tiles);
    int d = rows.values().getFirst().length;
    ByteBuffer features =
        ByteBuffer.allocate(tiles.size() * d * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer coords =
        ByteBuffer.allocate(tiles.size() * 2 * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    StringBuilder ids = new StringBuilder("row,tile_id,x,y\n");
    for (int i = 0; i < tiles.size(); i++) {
      StoredTile t = tiles.get(i);
      for (float v : rows.values().get(i)) {
        features.putFloat(v);
      }
      coords.putLong(t.record().x()).putLong(t.record().y());
      ids.append(i)
          .append(',')
          .append(t.record().id())
          .append(',')
          .append(t.record().x())
          .append(',')
          .append(t.record().y())
          .append('\n');
    }
    writeNpy(dir.resolve("features.npy"), "<f4", tiles.size(), d, features.array());
    writeNpy(dir.resolve("coords.npy"), "<i8", tiles.size(), 2, coords.array());
    Files.writeString(dir.resolve("tile_ids.csv"), ids, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("feature_space.txt"), rows.space().value() + "\n");
    return dir;
  }

  /** NumPy's .npy format, version 1.0: magic, header length, a dict padded to 64 bytes, data. */
  private static void writeNpy(Path file, String dtype, int rows, int columns, byte[] data)
      throws IOException {
    String dict =
        String.format(
            Locale.ROOT,
            "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }",
            dtype,
            rows,
            columns);
    int total = 10 + dict.length() + 1;
    int padding = (64 - total % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
      int length = header.length();
      out.write(new byte[] {(byte) (length & 0xff), (byte) (length >> 8)});
      out.write(header.getBytes(StandardCharsets.US_ASCII));
      out.write(data);
    }
  }
}
