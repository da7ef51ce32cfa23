package org.pathlens.index.lucene;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.SlideRecords;
import org.pathlens.index.Thumbnails;
import org.pathlens.index.ingest.PngFiles;

/**
 * Slide records as files beside an embedded index: {@code <index>/slides/<slide_id>.json} and
 * {@code <index>/thumbnails/<slide_id>.png}.
 */
final class DirectorySlideRecords implements SlideRecords {
  private final Path indexDir;

  DirectorySlideRecords(Path indexDir) {
    this.indexDir = indexDir;
  }

  @Override
  public List<String> slideIds() throws IOException {
    Path dir = indexDir.resolve(SlideRecord.RECORDS);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<String> ids =
          new ArrayList<>(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(n -> n.endsWith(".json"))
                  .map(n -> n.substring(0, n.length() - ".json".length()))
                  .toList());
      ids.sort(Comparator.naturalOrder());
      return ids;
    }
  }

  @Override
  public Optional<SlideRecord> find(String slideId) throws IOException {
    return Files.isRegularFile(SlideRecord.file(indexDir, slideId))
        ? Optional.of(SlideRecord.read(indexDir, slideId))
        : Optional.empty();
  }

  @Override
  public Optional<Path> thumbnail(String slideId) {
    Path file = SlideRecord.thumbnailFile(indexDir, slideId);
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  /**
   * Writes the thumbnail, then the record with the thumbnail's SHA-256 ({@link
   * SlideRecord#thumbnailSha256}); without a new thumbnail, the record keeps the hash of the one
   * there is.
   */
  @Override
  public void write(SlideRecord record, RgbImage thumbnail) throws IOException {
    String sha256;
    if (thumbnail != null) {
      byte[] png = PngFiles.encode(thumbnail);
      PngFiles.write(png, SlideRecord.thumbnailFile(indexDir, record.slideId()));
      sha256 = Thumbnails.sha256(png);
    } else {
      sha256 = keptThumbnailHash(record);
    }
    record.withThumbnailSha256(sha256).write(indexDir);
  }

  /**
   * The hash the slide's earlier record keeps for the thumbnail that stays; none when that record
   * is gone or damaged (the thumbnail is then only checked to decode, never blessed unseen).
   */
  private String keptThumbnailHash(SlideRecord record) {
    try {
      return find(record.slideId())
          .map(SlideRecord::thumbnailSha256)
          .orElse(record.thumbnailSha256());
    } catch (IOException | RuntimeException e) {
      return record.thumbnailSha256();
    }
  }
}
