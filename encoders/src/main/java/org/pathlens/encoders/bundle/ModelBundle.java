package org.pathlens.encoders.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A model bundle directory: {@code model.json}, {@code image_encoder.pt}, {@code text_encoder.pt},
 * {@code tokenizer.json}, and optionally a {@link Canary} ({@code canary.json}). Loading checks the
 * files and the configuration; whether the TorchScript actually runs, gives {@code embedding_dim}
 * outputs and agrees with the canary is checked when the encoders are loaded from it.
 *
 * @param dir the bundle directory
 * @param config the parsed {@code model.json}
 * @param contentHash SHA-256 over the four files (and the image projection where there is one), so
 *     an index can tell which weights made it (the canary is left out: it checks the engine, it
 *     does not change what the model computes)
 * @param canary the canary, or null for a bundle without one
 */
public record ModelBundle(Path dir, ModelConfig config, String contentHash, Canary canary) {

  public static final String CONFIG_FILE = "model.json";
  public static final String IMAGE_ENCODER_FILE = "image_encoder.pt";
  public static final String TEXT_ENCODER_FILE = "text_encoder.pt";
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /**
   * Optional, declared by {@code image.projection}: TorchScript float32 [B, D_pre] to [B, D], the
   * model's projection of its pre-projection image features into the embedding space.
   */
  public static final String IMAGE_PROJECTION_FILE = "image_projection.pt";

  private static final List<String> FILES =
      List.of(CONFIG_FILE, IMAGE_ENCODER_FILE, TEXT_ENCODER_FILE, TOKENIZER_FILE);

  /**
   * Reads and validates the bundle at {@code dir}; throws {@link BundleException} naming the fault.
   */
  public static ModelBundle load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new BundleException(
          dir, "is not a directory (a model bundle is a directory holding " + FILES + ")");
    }
    for (String name : FILES) {
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) {
        throw new BundleException(file, "missing: a model bundle holds " + FILES);
      }
    }
    ModelConfig config = ModelConfigReader.read(dir.resolve(CONFIG_FILE));
    requireTorchScript(dir.resolve(IMAGE_ENCODER_FILE));
    requireTorchScript(dir.resolve(TEXT_ENCODER_FILE));
    if (config.imageProjection() != null) {
      Path projection = dir.resolve(IMAGE_PROJECTION_FILE);
      if (!Files.isRegularFile(projection)) {
        throw new BundleException(
            projection,
            "missing: model.json declares image.projection, which the bundle carries in this file");
      }
      requireTorchScript(projection);
    }
    Path absolute = dir.toAbsolutePath().normalize();
    Canary canary = Canary.readIfPresent(absolute);
    return new ModelBundle(absolute, config, hash(dir, config), canary);
  }

  /** The image projection's file; present when {@code config().imageProjection()} is. */
  public Path imageProjectionFile() {
    return dir.resolve(IMAGE_PROJECTION_FILE);
  }

  public Path imageEncoderFile() {
    return dir.resolve(IMAGE_ENCODER_FILE);
  }

  public Path textEncoderFile() {
    return dir.resolve(TEXT_ENCODER_FILE);
  }

  public Path tokenizerFile() {
    return dir.resolve(TOKENIZER_FILE);
  }

  /** Short form of the content hash for logs and index metadata. */
  public String shortHash() {
    return contentHash.substring(0, 12);
  }

  /**
   * TorchScript files are zip archives; checking the signature here turns a wrong file (a state
   * dict pickle, a checkpoint, an ONNX file) into a clear message instead of a libtorch error.
   */
  static void requireTorchScript(Path file) {
    byte[] head = new byte[4];
    int read;
    try (InputStream in = Files.newInputStream(file)) {
      read = in.readNBytes(head, 0, 4);
    } catch (IOException e) {
      throw new BundleException(file, "cannot be read: " + e.getMessage(), e);
    }
    boolean zip = read == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    if (!zip) {
      throw new BundleException(
          file,
          read == 0
              ? "is empty; expected a TorchScript file (torch.jit.save)"
              : "is not TorchScript (no zip archive signature); export it with torch.jit.trace or"
                  + " torch.jit.script and torch.jit.save, not torch.save");
    }
  }

  /**
   * The four files, then the projection where the bundle declares one: a bundle without it keeps
   * the hash it always had, so indexes built with it stay its own.
   */
  private static String hash(Path dir, ModelConfig config) {
    List<String> files = new ArrayList<>(FILES);
    if (config.imageProjection() != null) {
      files.add(IMAGE_PROJECTION_FILE);
    }
    return hashFiles(dir, files);
  }

  /** SHA-256 (hex) over each of {@code files} in {@code dir}: its name, then its bytes. */
  static String hashFiles(Path dir, List<String> files) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (String name : files) {
        digest.update(name.getBytes(StandardCharsets.UTF_8));
        try (InputStream in =
            new DigestInputStream(Files.newInputStream(dir.resolve(name)), digest)) {
          while (in.read(buffer) >= 0) {
            // DigestInputStream updates the digest as it reads.
          }
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new BundleException(dir, "cannot be read: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
