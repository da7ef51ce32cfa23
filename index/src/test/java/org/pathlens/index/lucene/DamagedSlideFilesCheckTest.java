package org.pathlens.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexCheckReport;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.Thumbnails;
import org.pathlens.index.TileIndex;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.PngFiles;
import org.pathlens.index.ingest.SlideIngest;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;

/**
 * {@code index check} on a real index of five ingested slides, four of whose files are then damaged
 * each in its own way: every damaged one is named on a line of its own, the whole one is not, and
 * the check is not ok. Before, it said "ok" for a garbled thumbnail and for a slide whose record
 * was deleted (issue 32).
 */
class DamagedSlideFilesCheckTest {

  @TempDir Path tmp;

  @Test
  void everyDamagedSlideFileIsNamedAndTheWholeSlideIsNot() throws IOException {
    List<Path> slides = new ArrayList<>();
    for (String id :
        List.of("whole", "garbled-record", "altered-thumbnail", "old-record", "gone")) {
      slides.add(
          SyntheticSlide.write(
                  tmp.resolve("slides").resolve(id + ".tiff"),
                  new SyntheticSlide.Options(
                      896, 672, "center-a", 5, 3, PyramidTiffWriter.Compression.JPEG, 1))
              .slide());
    }
    Path dir = tmp.resolve("index");
    try (VisionLanguageModel model =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex index =
            TileIndex.open(dir, IndexProvenance.of(model), IndexSettings.defaults())) {
      new SlideIngest(
              model.images(), TilingOptions.defaults(), TissueDetector.defaults(), 16, 1, 128)
          .ingest(slides, index, IngestListener.NONE);
    }
    IndexCheckReport before = IndexLocation.of(dir).check();
    assertTrue(before.ok(), before.problems().toString());
    assertTrue(
        before.facts().contains("slides: 5 records, 5 with their thumbnail and tiles"),
        before.facts().toString());
    for (String id : List.of("whole", "altered-thumbnail", "old-record")) {
      assertEquals(
          Thumbnails.sha256(Files.readAllBytes(SlideRecord.thumbnailFile(dir, id))),
          SlideRecord.read(dir, id).thumbnailSha256(),
          "the ingest keeps the hash of the thumbnail it wrote");
    }

    // 40 bytes of a record garbled.
    Path garbled = SlideRecord.file(dir, "garbled-record");
    byte[] record = Files.readAllBytes(garbled);
    for (int i = 20; i < 60; i++) {
      record[i] = (byte) (37 * i);
    }
    Files.write(garbled, record);
    // A thumbnail replaced by another valid PNG: only the hash tells.
    Path altered = SlideRecord.thumbnailFile(dir, "altered-thumbnail");
    byte[] png = Files.readAllBytes(altered);
    Files.write(altered, PngFiles.encode(new RgbImage(4, 4, new byte[4 * 4 * 3])));
    // A record of an earlier version (no hash) whose thumbnail was cut short.
    SlideRecord old = SlideRecord.read(dir, "old-record").withThumbnailSha256(null);
    old.write(dir);
    Path cut = SlideRecord.thumbnailFile(dir, "old-record");
    Files.write(cut, Arrays.copyOf(png, png.length / 2));
    // A record deleted: its tiles stay.
    Files.delete(SlideRecord.file(dir, "gone"));

    IndexCheckReport after = IndexLocation.of(dir).check();
    assertFalse(after.ok());
    List<String> problems = after.problems();
    assertEquals(4, problems.size(), String.join("\n", problems));
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.startsWith(
                        "slide record "
                            + garbled
                            + " cannot be read: "
                            + garbled
                            + ": not a slide record: ")),
        String.join("\n", problems));
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.startsWith("slide altered-thumbnail: thumbnail " + altered + ": SHA-256 ")
                        && p.contains("differs from the")
                        && p.contains("the file was altered")),
        String.join("\n", problems));
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.startsWith("slide old-record: thumbnail " + cut + " does not decode")
                        && p.endsWith("; re-ingest the slide")),
        String.join("\n", problems));
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.matches(
                        "slide gone: \\d+ tiles cut from a slide file but no slide record \\("
                            + Pattern.quote(SlideRecord.file(dir, "gone").toString())
                            + " is missing\\).*")),
        String.join("\n", problems));
    assertTrue(problems.stream().noneMatch(p -> p.contains("whole")), problems.toString());
    assertTrue(
        after.facts().contains("slides: 4 records, 1 with their thumbnail and tiles"),
        after.facts().toString());
  }
}
