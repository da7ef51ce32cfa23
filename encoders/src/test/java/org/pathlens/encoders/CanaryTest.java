package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.bundle.BundleException;
import org.pathlens.encoders.bundle.Canary;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.fixtures.Fixtures;

/** The canary a bundle carries: checked on every load, and an engine that disagrees is refused. */
class CanaryTest {

  @TempDir Path tmp;

  @Test
  void bothCommittedBundlesPassTheirCanaryOnThisEngine() {
    for (Path bundle : new Path[] {Fixtures.demoBundle(), BundleCopies.tinyClip()}) {
      try (VisionLanguageModel vlm = VisionLanguageModel.load(bundle, EncoderOptions.defaults())) {
        CanaryCheck check = vlm.canary();
        System.out.printf(
            "canary %s: %s in %.1f ms (%s)%n",
            bundle.getFileName(), check.describe(), check.millis(), check.engine());
        assertEquals(4, check.inputs());
        assertTrue(check.passed(), check.describe());
        assertTrue(check.engine().startsWith("PyTorch "), check.engine());
      }
    }
  }

  @Test
  void theDefaultCapIsAvx2WhereTheUserSetNone() {
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults())) {
      CpuIsaCap.Cap cap = TorchRuntime.cpuIsaCap();
      String arch = System.getProperty("os.arch");
      if (System.getenv(CpuIsaCap.VARIABLE) != null) {
        assertEquals("environment", cap.source());
      } else if (arch.equals("amd64") || arch.equals("x86_64")) {
        assertEquals("AVX2", cap.value().orElseThrow());
        assertEquals("default", cap.source());
        assertTrue(
            vlm.canary().engine().contains("ONEDNN_MAX_CPU_ISA=AVX2"), vlm.canary().engine());
      } else {
        assertTrue(cap.value().isEmpty(), cap.describe());
      }
    }
  }

  @Test
  void anEngineThatDisagreesWithTheReferenceIsRefusedInOneLine() throws Exception {
    Path copy = BundleCopies.copy(Fixtures.demoBundle(), tmp.resolve("demo"));
    // The reference embedding of the first image, negated in one coordinate block: as a kernel bug
    // would.
    Path canary = copy.resolve(Canary.FILE);
    String text = Files.readString(canary);
    Matcher first = Pattern.compile("\"embedding\": \\[(-?[0-9.e-]+), (-?[0-9.e-]+)").matcher(text);
    assertTrue(first.find());
    String changed =
        text.substring(0, first.start())
            + "\"embedding\": ["
            + (-Double.parseDouble(first.group(1)) * 9)
            + ", "
            + (-Double.parseDouble(first.group(2)) * 9)
            + text.substring(first.end());
    Files.writeString(canary, changed);
    BundleException e =
        assertThrows(
            BundleException.class, () -> VisionLanguageModel.load(copy, EncoderOptions.defaults()));
    String message = e.getMessage();
    assertFalse(message.contains("\n"), message);
    assertEquals(canary, e.file());
    assertTrue(message.contains("canary check failed: cosine 0."), message);
    assertTrue(message.contains("\"canary/he_224x224.png\""), message);
    assertTrue(message.contains("with PyTorch "), message);
    assertTrue(message.contains("Likely remedy: "), message);
  }

  @Test
  void aBundleWithoutCanaryLoadsAndSaysItWasNotChecked() {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp.resolve("tiny"));
    assertTrue(copy.resolve(Canary.FILE).toFile().delete());
    try (VisionLanguageModel vlm = VisionLanguageModel.load(copy, EncoderOptions.defaults())) {
      assertNull(vlm.bundle().canary());
      assertEquals(0, vlm.canary().inputs());
      assertFalse(vlm.canary().passed());
      assertEquals("no canary in the bundle", vlm.canary().describe());
    }
  }

  @Test
  void aMalformedCanaryIsABundleErrorNamingTheFile() throws Exception {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp.resolve("tiny"));
    Path canary = copy.resolve(Canary.FILE);
    Files.writeString(canary, "{\"images\": [");
    BundleException broken = assertThrows(BundleException.class, () -> ModelBundle.load(copy));
    assertTrue(
        broken.getMessage().startsWith(canary + ": not valid JSON (line 1"), broken.getMessage());

    Files.writeString(
        canary, "{\"images\": [{\"file\": \"../../etc/passwd\", \"embedding\": [1]}]}");
    BundleException outside = assertThrows(BundleException.class, () -> ModelBundle.load(copy));
    assertTrue(
        outside
            .getMessage()
            .contains("images[0].file ../../etc/passwd is not a file inside the bundle"),
        outside.getMessage());

    Files.writeString(canary, "{\"texts\": [{\"text\": \"a\", \"embedding\": [1, 0]}]}");
    BundleException dimension =
        assertThrows(
            BundleException.class, () -> VisionLanguageModel.load(copy, EncoderOptions.defaults()));
    assertTrue(
        dimension.getMessage().contains("has 2 values; the encoders return embedding_dim = "),
        dimension.getMessage());
  }
}
