package org.pathlens.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pathlens.index.SavedClassifier;
import org.pathlens.index.SavedClassifiers;

/**
 * Saved classifiers on a cluster: one document per classifier, its name as id, in the companion
 * index {@code NAME-classifiers} (beside {@code NAME-slides}), so that every PathLens process
 * pointed at the cluster sees the same ones. Writes wait for the refresh, so a list right after a
 * save or delete shows it.
 */
final class ClusterClassifiers implements SavedClassifiers {
  /** The companion index holding the saved classifiers: the tile index's name and this. */
  static final String SUFFIX = "-classifiers";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int PAGE = 1000;

  private final ClusterClient client;
  private final String path;
  private final String location;

  ClusterClassifiers(OpenSearchTileIndex index) {
    this.client = index.client();
    this.path = "/" + index.cluster().name() + SUFFIX;
    this.location = index.cluster().endpoint() + path;
  }

  @Override
  public List<String> names() throws IOException {
    List<String> names = new ArrayList<>();
    if (client.getIfExists(path).isEmpty()) {
      return names;
    }
    ObjectNode body = NODES.objectNode();
    body.put("_source", false);
    client.forEachHit(path, body, "name", PAGE, hit -> names.add(hit.path("_id").asText()));
    return names;
  }

  @Override
  public Optional<SavedClassifier> find(String name) throws IOException {
    Optional<JsonNode> doc =
        client.getIfExists(docPath(name) + "?_source_includes=record").map(d -> d.path("_source"));
    if (doc.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        SavedClassifier.fromJson(doc.get().path("record").asText(), location + " " + name));
  }

  @Override
  public void save(SavedClassifier classifier) throws IOException {
    ensureIndex();
    ObjectNode doc = NODES.objectNode();
    doc.put("name", classifier.name());
    doc.put("record", classifier.toJson());
    client.send("PUT", docPath(classifier.name()) + "?refresh=wait_for", doc);
  }

  @Override
  public boolean delete(String name) throws IOException {
    if (find(name).isEmpty()) {
      return false;
    }
    try {
      client.send("DELETE", docPath(name) + "?refresh=wait_for", null);
      return true;
    } catch (ClusterException e) {
      if (e.status() == 404) { // deleted by another process meanwhile
        return false;
      }
      throw e;
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
    properties.putObject("name").put("type", "keyword");
    // The record is kept as text, not indexed: only its name is ever searched (sorted by).
    properties.putObject("record").put("type", "object").put("enabled", false);
    try {
      client.send("PUT", path + "?wait_for_active_shards=all", body);
    } catch (IOException e) {
      if (client.getIfExists(path).isEmpty()) { // another process may have created it meanwhile
        throw e;
      }
    }
  }

  private String docPath(String name) {
    return path
        + "/_doc/"
        + URLEncoder.encode(SavedClassifier.checkName(name), StandardCharsets.UTF_8)
            .replace("+", "%20");
  }
}
