package org.pathlens.index.query;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.pathlens.index.TileIndex;

/**
 * Where an index's {@link ScoreCalibration} is kept, and when it is recomputed. Every tile's
 * calibration depends only on the index's tiles and its bundle, so it is computed once and recorded
 * with the index: {@value #FILE} in an embedded index's directory, read back by every later search
 * and command; a cluster index has no directory, and keeps its calibration in this process's
 * memory. Either is recomputed when it no longer fits the index ({@link
 * ScoreCalibration#isCurrent}: another tile count, bundle or background version). A filtered
 * search's background is computed under the same filter, each time (bests under a filter are lower,
 * and would make every filtered query look stronger than it is against unfiltered ones).
 */
public final class CalibrationRecords {

  /** The file an embedded index records its calibration in. */
  public static final String FILE = "calibration.json";

  /** Calibrations of indexes without a directory, by {@code IndexLocation#identity()}. */
  private static final Map<String, ScoreCalibration> IN_MEMORY = new ConcurrentHashMap<>();

  private CalibrationRecords() {}

  /**
   * The calibration of {@code index}: the recorded one when it is current, else computed now and
   * recorded; empty when the index holds no tile.
   *
   * @param embeddings the background's texts embedded with the index's bundle, asked for only when
   *     the calibration has to be computed
   */
  public static Optional<ScoreCalibration> of(
      TileIndex index, CalibrationBackground background, Supplier<List<float[]>> embeddings)
      throws IOException {
    Optional<Path> file = index.location().directory().map(d -> d.resolve(FILE));
    Optional<ScoreCalibration> recorded = file.isPresent() ? read(file.get()) : inMemory(index);
    if (recorded.isPresent() && recorded.get().isCurrent(index, background)) {
      return recorded;
    }
    Optional<ScoreCalibration> computed =
        ScoreCalibration.compute(index, background, embeddings.get());
    if (computed.isPresent()) {
      if (file.isPresent()) {
        write(file.get(), computed.get());
      } else {
        IN_MEMORY.put(index.location().identity(), computed.get());
      }
    }
    return computed;
  }

  /** The calibration recorded in an embedded index's directory, if any and readable. */
  public static Optional<ScoreCalibration> read(Path file) {
    try {
      return Files.exists(file)
          ? Optional.of(ScoreCalibration.fromJson(Files.readString(file)))
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // damaged or half-written by an older run: computed again
    }
  }

  private static Optional<ScoreCalibration> inMemory(TileIndex index) {
    return Optional.ofNullable(IN_MEMORY.get(index.location().identity()));
  }

  /**
   * Writes the record through a temporary file and a rename, so a reader never sees half of it. An
   * index opened from a directory this process cannot write keeps its calibration unrecorded: it is
   * computed again by the next search, which is slower but never wrong.
   */
  private static void write(Path file, ScoreCalibration calibration) {
    Path partial = null;
    try {
      // A file of its own per writer: two searches recomputing at once never mix their bytes.
      partial = Files.createTempFile(file.getParent(), FILE, ".partial");
      Files.writeString(partial, calibration.toJson(), StandardCharsets.UTF_8);
      Files.move(
          partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // read-only index directory: see above
      if (partial != null) {
        partial.toFile().delete();
      }
    }
  }
}
