package org.pathlens.index;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pathlens.slides.MppSource;
import org.pathlens.slides.SlideLevel;

/**
 * What the index keeps about an ingested slide beside its tiles, as {@code
 * <index>/slides/<slide_id>.json} (snake_case keys), with its thumbnail at {@code
 * <index>/thumbnails/<slide_id>.png}: the facts the UI shows next to a slide, which would repeat on
 * every tile if stored there.
 *
 * @param slideId the slide's id (the tiles' {@code slide_id})
 * @param path the slide file, absolute
 * @param vendor OpenSlide's format name ({@code aperio}, {@code generic-tiff}, …)
 * @param mppX level-0 microns per pixel across that tiling used: the slide's own, or one a person
 *     gave ({@link #mppSource})
 * @param mppY level-0 microns per pixel down, likewise
 * @param levels the pyramid, finest first (level 0 gives the dimensions)
 * @param tileMpp microns per pixel of the tiles as read
 * @param tileSize tile side in pixels
 * @param levelRead the pyramid level tiles were read from
 * @param minTissue the smallest tissue share of a kept tile
 * @param tissueFraction the share of the slide the tissue detector found
 * @param tiles tiles of the slide indexed by this ingest
 * @param thumbnail the thumbnail's path relative to the index directory
 * @param properties the file's metadata, OpenSlide-style names
 * @param thumbnailSha256 SHA-256 (hex) of the thumbnail's PNG bytes as written, checked before the
 *     thumbnail is served ({@link Thumbnails}); null in records of earlier versions, and where the
 *     backend keeps the thumbnail's hash elsewhere
 * @param mppSource where {@code mppX}/{@code mppY} came from ({@link MppSource#key}: {@code file},
 *     {@code csv}, {@code default}, {@code override}); null in records of earlier versions
 * @param fingerprint the slide file's {@link SlideFingerprint}: what makes the slide id stand for
 *     one file; null in records of earlier versions
 */
public record SlideRecord(
    String slideId,
    String path,
    String vendor,
    double mppX,
    double mppY,
    List<SlideLevel> levels,
    double tileMpp,
    int tileSize,
    int levelRead,
    double minTissue,
    double tissueFraction,
    long tiles,
    String thumbnail,
    Map<String, String> properties,
    String thumbnailSha256,
    String mppSource,
    String fingerprint) {

  public static final String RECORDS = "slides";
  public static final String THUMBNAILS = "thumbnails";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  public SlideRecord {
    levels = List.copyOf(levels);
    properties = properties == null ? Map.of() : new TreeMap<>(properties);
  }

  /** This record with {@code sha256} as its thumbnail's hash. */
  public SlideRecord withThumbnailSha256(String sha256) {
    return new SlideRecord(
        slideId,
        path,
        vendor,
        mppX,
        mppY,
        levels,
        tileMpp,
        tileSize,
        levelRead,
        minTissue,
        tissueFraction,
        tiles,
        thumbnail,
        properties,
        sha256,
        mppSource,
        fingerprint);
  }

  /** This record for the slide file now at {@code newPath}, with its {@code newFingerprint}. */
  public SlideRecord withFile(String newPath, String newFingerprint) {
    return new SlideRecord(
        slideId,
        newPath,
        vendor,
        mppX,
        mppY,
        levels,
        tileMpp,
        tileSize,
        levelRead,
        minTissue,
        tissueFraction,
        tiles,
        thumbnail,
        properties,
        thumbnailSha256,
        mppSource,
        newFingerprint);
  }

  /** Whether a person gave the µm/px rather than the slide file (see {@link #mppSource}). */
  @JsonIgnore
  public boolean mppAssumed() {
    MppSource source = MppSource.ofKey(mppSource);
    return source != null && source.assumed();
  }

  /** Where the record of {@code slideId} lives in {@code indexDir}. */
  public static Path file(Path indexDir, String slideId) {
    return indexDir.resolve(RECORDS).resolve(slideId + ".json");
  }

  /** Where the thumbnail of {@code slideId} lives in {@code indexDir}. */
  public static Path thumbnailFile(Path indexDir, String slideId) {
    return indexDir.resolve(THUMBNAILS).resolve(slideId + ".png");
  }

  /** Writes the record, replacing any earlier one whole (through a temporary file). */
  public void write(Path indexDir) throws IOException {
    Path target = file(indexDir, slideId);
    Files.createDirectories(target.getParent());
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    JSON.writeValue(temporary.toFile(), this);
    Files.move(
        temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The record of {@code slideId} in {@code indexDir}. */
  public static SlideRecord read(Path indexDir, String slideId) throws IOException {
    Path file = file(indexDir, slideId);
    try {
      return JSON.readValue(file.toFile(), SlideRecord.class);
    } catch (IOException e) {
      throw new IOException(file + ": not a slide record: " + e.getMessage(), e);
    }
  }

  /** The record as its JSON file holds it. */
  public String toJson() throws IOException {
    return JSON.writeValueAsString(this);
  }

  /** A record from its JSON. */
  public static SlideRecord fromJson(String json) throws IOException {
    return JSON.readValue(json, SlideRecord.class);
  }

  /** Level-0 width in pixels. */
  public long width() {
    return levels.getFirst().width();
  }

  /** Level-0 height in pixels. */
  public long height() {
    return levels.getFirst().height();
  }
}
