package org.pathlens.encoders.export;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.TorchRuntime;

/**
 * A bundle's {@code image_projection.pt} run straight through DJL, with none of the bundle loader:
 * so the exporter's file is checked against the original code on its own, whatever PathLens builds
 * on top of it.
 */
final class DirectProjection {

  private DirectProjection() {}

  /** unit(projection(f)) for each feature f, in one [B, D_pre] batch on the CPU. */
  static List<float[]> projectAndNormalise(Path file, List<float[]> features)
      throws IOException, MalformedModelException, TranslateException {
    TorchRuntime.engine(0);
    String prefix = file.getFileName().toString().replaceFirst("\\.pt$", "");
    try (Model model = Model.newInstance(prefix, Device.cpu(), "PyTorch")) {
      model.load(file.getParent(), prefix, Map.of("mapLocation", "true"));
      try (NDManager manager = model.getNDManager().newSubManager();
          Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
        NDArray batch = manager.create(features.toArray(float[][]::new));
        NDArray out = predictor.predict(new NDList(batch)).singletonOrThrow();
        long[] shape = out.getShape().getShape();
        if (shape.length != 2 || shape[0] != features.size()) {
          throw new IllegalStateException(
              file + " gives shape " + out.getShape() + " for " + features.size() + " features");
        }
        float[] flat = out.toFloatArray();
        int dim = (int) shape[1];
        List<float[]> projected = new ArrayList<>(features.size());
        for (int i = 0; i < features.size(); i++) {
          float[] row = new float[dim];
          System.arraycopy(flat, i * dim, row, 0, dim);
          projected.add(Embeddings.l2Normalize(row));
        }
        return projected;
      }
    }
  }
}
