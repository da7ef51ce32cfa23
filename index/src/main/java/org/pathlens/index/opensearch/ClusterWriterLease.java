package org.pathlens.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a cluster index, as Lucene's {@code write.lock} is for a directory: a lease
 * document the cluster itself holds ({@code NAME-writer/_doc/lease}), created with {@code _create}
 * so that only one writer gets it, renewed while the writer runs and deleted when it closes. A
 * writer that died leaves its lease to expire ({@link #TERM}); only then may another take it over,
 * and only if the lease is still the one it read (sequence number and primary term), so two
 * late-comers never both win. Two ingests at once would otherwise write one tile id twice through
 * different routings.
 */
final class ClusterWriterLease implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterWriterLease.class);

  /** How long a lease lasts without renewal: what a writer that died blocks its index for. */
  static final Duration TERM = Duration.ofSeconds(60);

  /** How often a live writer renews: several renewals fit in one term. */
  static final Duration RENEWAL = Duration.ofSeconds(15);

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ClusterClient client;
  private final String document;
  private final String owner;
  private final ClusterLocation location;
  private final ScheduledExecutorService renewer;
  private long seqNo;
  private long primaryTerm;
  private volatile boolean held = true;

  private ClusterWriterLease(
      ClusterClient client, ClusterLocation location, String document, String owner, JsonNode won) {
    this.client = client;
    this.location = location;
    this.document = document;
    this.owner = owner;
    this.seqNo = won.path("_seq_no").asLong();
    this.primaryTerm = won.path("_primary_term").asLong();
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pathlens-writer-lease").daemon().factory());
    renewer.scheduleWithFixedDelay(
        this::renew, RENEWAL.toMillis(), RENEWAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lease of the index or alias at {@code location}.
   *
   * @throws IllegalStateException when another writer holds it, naming that writer and until when
   */
  static ClusterWriterLease take(ClusterClient client, ClusterLocation location)
      throws IOException {
    String document = "/" + location.name() + "-writer/_doc/lease";
    String owner = owner();
    try {
      JsonNode won =
          client.send(
              "PUT", "/" + location.name() + "-writer/_create/lease?refresh=true", body(owner));
      return new ClusterWriterLease(client, location, document, owner, won);
    } catch (ClusterException e) {
      if (e.status() != 409) {
        throw e;
      }
    }
    JsonNode held = client.get(document);
    long expires = held.path("_source").path("expires").asLong();
    if (expires > System.currentTimeMillis()) {
      throw busy(location, held);
    }
    try { // expired: its writer died; take it over unless another late-comer already did
      JsonNode won =
          client.send(
              "PUT",
              document
                  + "?if_seq_no="
                  + held.path("_seq_no").asLong()
                  + "&if_primary_term="
                  + held.path("_primary_term").asLong()
                  + "&refresh=true",
              body(owner));
      LOG.warn(
          "pathlens: took over the expired writer lease of {} from {}",
          location,
          held.path("_source").path("owner").asText());
      return new ClusterWriterLease(client, location, document, owner, won);
    } catch (ClusterException e) {
      if (e.status() == 409) {
        throw busy(location, client.get(document));
      }
      throw e;
    }
  }

  private static IllegalStateException busy(ClusterLocation location, JsonNode held) {
    return new IllegalStateException(
        "index "
            + location
            + " is being written by "
            + held.path("_source").path("owner").asText()
            + " (its writer lease runs until "
            + Instant.ofEpochMilli(held.path("_source").path("expires").asLong())
            + "): wait for that ingest to finish, or ingest into another index");
  }

  private static ObjectNode body(String owner) {
    long now = System.currentTimeMillis();
    ObjectNode lease = NODES.objectNode();
    lease.put("owner", owner);
    lease.put("renewed", now);
    lease.put("expires", now + TERM.toMillis());
    return lease;
  }

  /** Who writes: host, process and a random part, so two writers in one process differ too. */
  private static String owner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return "pid "
        + ProcessHandle.current().pid()
        + " on "
        + host
        + " ("
        + UUID.randomUUID().toString().substring(0, 8)
        + ")";
  }

  private synchronized void renew() {
    if (!held) {
      return;
    }
    try {
      JsonNode renewed =
          client.send(
              "PUT",
              document
                  + "?if_seq_no="
                  + seqNo
                  + "&if_primary_term="
                  + primaryTerm
                  + "&refresh=true",
              body(owner));
      seqNo = renewed.path("_seq_no").asLong();
      primaryTerm = renewed.path("_primary_term").asLong();
    } catch (ClusterException e) {
      if (e.status() == 409) { // another writer took it over: this one must stop writing
        held = false;
        LOG.error("pathlens: lost the writer lease of {}: {}", location, e.getMessage());
      } else {
        LOG.warn("pathlens: could not renew the writer lease of {}: {}", location, e.getMessage());
      }
    } catch (IOException e) {
      LOG.warn("pathlens: could not renew the writer lease of {}: {}", location, e.getMessage());
    }
  }

  /**
   * Refuses a write once the lease is lost (taken over after this writer failed to renew it).
   *
   * @throws IllegalStateException naming the index
   */
  void requireHeld() {
    if (!held) {
      throw new IllegalStateException(
          "index "
              + location
              + " is no longer this writer's: its lease expired unrenewed and another writer took"
              + " it over; nothing more is written");
    }
  }

  /** Stops renewing and deletes the lease, if it is still this writer's. */
  @Override
  public synchronized void close() throws IOException {
    renewer.shutdownNow();
    if (!held) {
      return;
    }
    held = false;
    try {
      client.send(
          "DELETE",
          document + "?if_seq_no=" + seqNo + "&if_primary_term=" + primaryTerm + "&refresh=true",
          null);
    } catch (ClusterException e) {
      if (e.status() != 404 && e.status() != 409) {
        throw e;
      }
    }
  }
}
