package org.pathlens.server;

import java.nio.file.Path;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.index.IndexLocation;

/**
 * What {@code pathlens serve} starts the API with.
 *
 * @param index the tile index to serve: a directory or an OpenSearch index
 * @param bundleDir the model bundle the index was built with
 * @param promptsDir prompt sets offered by name ({@code <name>.json}), or null for the built-in
 *     sets
 * @param host the address to bind; 127.0.0.1 keeps the server off the network
 * @param port the port; 0 for any free one
 * @param token when not null, every API request must carry it ({@code Authorization: Bearer} or
 *     {@code X-PathLens-Token}) or a session cookie bought with it ({@link TokenGuard})
 * @param maxUploadBytes the largest uploaded image accepted (413 above)
 * @param maxPixels the most pixels an uploaded image may have, read from its header (413 above)
 * @param decodeMemoryBytes the memory the uploads being decoded at once may hold, as their headers
 *     tell it ({@link DecodeBudget}): an upload beyond it waits briefly, then gets 503
 * @param inferenceThreads requests running inference at once
 * @param inferenceQueue requests waiting for inference beyond those (503 above)
 * @param cacheDir class-embedding cache directory, or null to keep class embeddings in memory only
 * @param encoder how the model runs
 */
public record ServerConfig(
    IndexLocation index,
    Path bundleDir,
    Path promptsDir,
    String host,
    int port,
    String token,
    long maxUploadBytes,
    long maxPixels,
    long decodeMemoryBytes,
    int inferenceThreads,
    int inferenceQueue,
    Path cacheDir,
    EncoderOptions encoder) {

  /**
   * Uploads received at once (more get 503 before their body is read): twice the inference threads,
   * at least 8, so that receiving keeps inference fed while bounding the Jetty threads and memory
   * that slow or stalled uploads can hold.
   */
  public int uploadsAtOnce() {
    return Math.max(8, 2 * inferenceThreads);
  }

  /** The default of {@link #decodeMemoryBytes}: {@value DecodeBudget#DEFAULT_MB} MB. */
  public static final long DEFAULT_DECODE_MEMORY_BYTES = DecodeBudget.DEFAULT_MB * 1024L * 1024L;

  /** A configuration with the default decode-memory budget. */
  public ServerConfig(
      IndexLocation index,
      Path bundleDir,
      Path promptsDir,
      String host,
      int port,
      String token,
      long maxUploadBytes,
      long maxPixels,
      int inferenceThreads,
      int inferenceQueue,
      Path cacheDir,
      EncoderOptions encoder) {
    this(
        index,
        bundleDir,
        promptsDir,
        host,
        port,
        token,
        maxUploadBytes,
        maxPixels,
        DEFAULT_DECODE_MEMORY_BYTES,
        inferenceThreads,
        inferenceQueue,
        cacheDir,
        encoder);
  }

  /** The shortest token accepted. */
  public static final int MIN_TOKEN_LENGTH = 12;

  public ServerConfig {
    if (maxUploadBytes < 1) {
      throw new IllegalArgumentException(
          "the upload limit must be at least 1 byte, got " + maxUploadBytes);
    }
    if (decodeMemoryBytes < 1024 * 1024) {
      throw new IllegalArgumentException(
          "the decode-memory budget must be at least 1 MB, got " + decodeMemoryBytes + " bytes");
    }
    if (token != null && token.strip().length() < MIN_TOKEN_LENGTH) {
      // A short token is guessed: sign-in answers as fast as a client asks.
      throw new IllegalArgumentException(
          "--token must have at least "
              + MIN_TOKEN_LENGTH
              + " characters (e.g. openssl rand -hex 16)");
    }
  }
}
