package org.pathlens.index.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which {@code encoder} attributes name a bundle: its name and its {@code aka}, spelling aside. */
class FeatureModelTest {

  @Test
  void aFileNamesTheBundleByItsNameOrAnotherToolsName() {
    FeatureModel conch = new FeatureModel("conch", List.of("conch_v1"), 512, null);
    assertTrue(conch.isNamed("conch"));
    assertTrue(conch.isNamed("CONCH"));
    assertTrue(conch.isNamed("conch_v1"));
    assertTrue(conch.isNamed("conch-v1"));
    // CONCH v1.5 is another model (TITAN's patch encoder): never taken for v1
    assertFalse(conch.isNamed("conch_v15"));
    assertFalse(conch.isNamed("uni_v1"));
    assertFalse(new FeatureModel("conch", 512).isNamed("conch_v1"));
  }
}
