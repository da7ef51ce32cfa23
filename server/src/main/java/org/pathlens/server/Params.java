package org.pathlens.server;

import io.javalin.http.Context;
import org.pathlens.index.PatientPooling;
import org.pathlens.index.TileFilter;

/** Query parameters read and checked, each failure a 400 naming the parameter. */
final class Params {

  /**
   * The largest k a client may ask for: enough for a results grid, small enough to bound the work.
   */
  static final int MAX_K = 1000;

  private Params() {}

  static String required(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      throw ApiException.badParameter(name, "missing query parameter '" + name + "'");
    }
    return value;
  }

  static int k(Context ctx, int defaultK) {
    String value = ctx.queryParam("k");
    if (value == null || value.isBlank()) {
      return defaultK;
    }
    int k;
    try {
      k = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badParameter(
          "k", "k must be a whole number from 1 to " + MAX_K + ", got '" + value + "'");
    }
    if (k < 1 || k > MAX_K) {
      throw ApiException.badParameter("k", "k must be from 1 to " + MAX_K + ", got " + k);
    }
    return k;
  }

  static TileFilter filter(Context ctx) {
    try {
      return TileFilter.parse(ctx.queryParam("filter"));
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, e.getMessage(), "filter", e);
    }
  }

  /**
   * {@code tiles} (best tile matches, the default) or {@code embedding} (whole-slide embeddings).
   */
  /** {@code level}: {@code tile} (default) or {@code slide}; true for slide. */
  /** {@code level}: {@code tile} (default), {@code slide} or {@code patient}. */
  static String level(Context ctx) {
    String level = ctx.queryParam("level");
    if (level == null || level.isBlank()) {
      return "tile";
    }
    if (level.equals("tile") || level.equals("slide") || level.equals("patient")) {
      return level;
    }
    throw ApiException.badParameter(
        "level", "level must be tile, slide or patient, got '" + level + "'");
  }

  /** {@code fusion}: how patient vectors are pooled, {@code late} (default) or {@code early}. */
  static PatientPooling.Fusion fusion(Context ctx) {
    String fusion = ctx.queryParam("fusion");
    if (fusion == null || fusion.isBlank() || fusion.equals("late")) {
      return PatientPooling.Fusion.LATE;
    }
    if (fusion.equals("early")) {
      return PatientPooling.Fusion.EARLY;
    }
    throw ApiException.badParameter("fusion", "fusion must be late or early, got '" + fusion + "'");
  }

  static boolean byEmbedding(Context ctx) {
    String method = ctx.queryParam("method");
    if (method == null || method.isBlank() || method.equals("tiles")) {
      return false;
    }
    if (method.equals("embedding")) {
      return true;
    }
    throw ApiException.badParameter(
        "method", "method must be tiles or embedding, got '" + method + "'");
  }

  /**
   * A yes-or-no parameter: {@code true} or {@code false} (absent or empty: false), anything else a
   * 400 naming it.
   */
  static boolean flag(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank() || value.strip().equals("false")) {
      return false;
    }
    if (value.strip().equals("true")) {
      return true;
    }
    throw ApiException.badParameter(name, name + " must be true or false, got '" + value + "'");
  }
}
