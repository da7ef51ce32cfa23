package org.pathlens.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.SlideRecords;
import org.pathlens.index.ingest.PngFiles;

/**
 * Slide records on a cluster: one document per slide in the companion index {@code NAME-slides}
 * (the record's JSON and its thumbnail as PNG), so that every PathLens process pointed at the
 * cluster sees the same slides. Thumbnails are handed out as local files (what the API's viewers
 * read), fetched once per content into a temporary folder named by their SHA-256.
 */
final class ClusterSlideRecords implements SlideRecords {
  /** The companion index holding the slide records: the tile index's name and this. */
  static final String SUFFIX = "-slides";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int PAGE = 1000;

  private final ClusterClient client;
  private final String path;
  private final String location;

  ClusterSlideRecords(OpenSearchTileIndex index) {
    this.client = index.client();
    this.path = "/" + index.cluster().name() + SUFFIX;
    this.location = index.cluster().endpoint() + path;
  }

  @Override
  public List<String> slideIds() throws IOException {
    List<String> ids = new ArrayList<>();
    if (client.getIfExists(path).isEmpty()) {
      return ids;
    }
    ObjectNode body = NODES.objectNode();
    body.put("_source", false);
    client.forEachHit(path, body, "slide_id", PAGE, hit -> ids.add(hit.path("_id").asText()));
    return ids;
  }

  @Override
  public Optional<SlideRecord> find(String slideId) throws IOException {
    Optional<JsonNode> doc = document(slideId, "record");
    if (doc.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(SlideRecord.fromJson(doc.get().path("record").asText()));
    } catch (IOException e) {
      throw new IOException(
          location + ": slide " + slideId + " holds no slide record: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Path> thumbnail(String slideId) throws IOException {
    Optional<JsonNode> sha = document(slideId, "thumbnail_sha256");
    if (sha.isEmpty() || !sha.get().hasNonNull("thumbnail_sha256")) {
      return Optional.empty();
    }
    Path file =
        cacheDir()
            .resolve(safe(slideId) + "-" + sha.get().get("thumbnail_sha256").asText() + ".png");
    if (!Files.isRegularFile(file)) {
      JsonNode png = document(slideId, "thumbnail_png").orElseThrow().path("thumbnail_png");
      Path temporary = Files.createTempFile(cacheDir(), "thumbnail", ".tmp");
      Files.write(temporary, Base64.getDecoder().decode(png.asText()));
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return Optional.of(file);
  }

  @Override
  public void write(SlideRecord record, RgbImage thumbnail) throws IOException {
    ensureIndex();
    ObjectNode doc = NODES.objectNode();
    doc.put("slide_id", record.slideId());
    doc.put("record", record.toJson());
    if (thumbnail != null) {
      byte[] png = PngFiles.encode(thumbnail);
      doc.put("thumbnail_png", Base64.getEncoder().encodeToString(png));
      doc.put("thumbnail_sha256", sha256(png));
      client.send("PUT", docPath(record.slideId()) + "?refresh=wait_for", doc);
    } else {
      // Keep the thumbnail there is: a partial update of the record alone.
      ObjectNode update = NODES.objectNode();
      update.set("doc", doc);
      update.put("doc_as_upsert", true);
      client.send(
          "POST", path + "/_update/" + encode(record.slideId()) + "?refresh=wait_for", update);
    }
  }

  private void ensureIndex() throws IOException {
    if (client.getIfExists(path).isPresent()) {
      return;
    }
    ObjectNode body = NODES.objectNode();
    ObjectNode mappings = body.putObject("mappings");
    mappings.put("dynamic", false);
    ObjectNode properties = mappings.putObject("properties");
    properties.putObject("slide_id").put("type", "keyword");
    properties.putObject("record").put("type", "object").put("enabled", false);
    properties.putObject("thumbnail_png").put("type", "binary");
    properties.putObject("thumbnail_sha256").put("type", "keyword");
    try {
      client.send("PUT", path + "?wait_for_active_shards=all", body);
    } catch (IOException e) {
      if (client.getIfExists(path).isEmpty()) { // another ingest may have created it meanwhile
        throw e;
      }
    }
  }

  private Optional<JsonNode> document(String slideId, String field) throws IOException {
    return client
        .getIfExists(docPath(slideId) + "?_source_includes=" + field)
        .map(doc -> doc.path("_source"));
  }

  private String docPath(String slideId) {
    return path + "/_doc/" + encode(slideId);
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String safe(String slideId) {
    return slideId.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static Path cacheDir;

  private static synchronized Path cacheDir() throws IOException {
    if (cacheDir == null) {
      cacheDir = Files.createTempDirectory("pathlens-thumbnails");
      cacheDir.toFile().deleteOnExit();
    }
    return cacheDir;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
