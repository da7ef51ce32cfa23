package org.pathlens.server;

import io.javalin.config.RoutesConfig;

/**
 * The API's route table: each resource's routes live in a class of their own ({@link StatusRoutes},
 * {@link SearchRoutes}, {@link ClassifyRoutes}, {@link SlideRoutes}, {@link
 * SavedClassifierRoutes}), which parses and checks its parameters, then calls the library call the
 * command line makes. The OpenAPI description ({@code openapi.json} beside this class) lists the
 * same routes; a test keeps the two in step.
 */
final class ApiRoutes {

  private final StatusRoutes status;
  private final SearchRoutes search;
  private final ClassifyRoutes classify;
  private final SlideRoutes slides;
  private final SavedClassifierRoutes classifiers;

  ApiRoutes(
      StatusRoutes status,
      SearchRoutes search,
      ClassifyRoutes classify,
      SlideRoutes slides,
      SavedClassifierRoutes classifiers) {
    this.status = status;
    this.search = search;
    this.classify = classify;
    this.slides = slides;
    this.classifiers = classifiers;
  }

  /**
   * Every route, each behind {@code guard} but the sign-in and sign-out that the guard itself
   * answers.
   */
  void register(RoutesConfig routes, TokenGuard guard) {
    routes.post("/api/session", guard::signIn);
    routes.delete("/api/session", guard::signOut);
    routes.get("/api/health", guard.protect(status::health));
    routes.get("/api/openapi.json", guard.protect(status::openApi));
    routes.get("/api/search", guard.protect(search::searchText));
    routes.post("/api/search", guard.protect(search::searchImage));
    routes.post("/api/search/refine", guard.protect(search::refine));
    routes.get("/api/similar", guard.protect(search::similarToSlide));
    routes.post("/api/similar", guard.protect(search::similarToImage));
    routes.post("/api/classify", guard.protect(classify::classifyImage));
    routes.post("/api/preview", guard.protect(classify::preview));
    routes.get("/api/prompts", guard.protect(classify::promptSets));
    routes.get("/api/classifiers", guard.protect(classifiers::list));
    routes.post("/api/classifiers", guard.protect(classifiers::create));
    routes.get("/api/classifiers/{name}", guard.protect(classifiers::show));
    routes.put("/api/classifiers/{name}", guard.protect(classifiers::replace));
    routes.delete("/api/classifiers/{name}", guard.protect(classifiers::delete));
    routes.get("/api/facets", guard.protect(search::facets));
    routes.get("/api/patients", guard.protect(search::patients));
    routes.get("/api/slides", guard.protect(slides::slides));
    routes.get("/api/slides/{id}", guard.protect(slides::slide));
    routes.get("/api/slides/{id}/thumbnail.png", guard.protect(slides::thumbnail));
    routes.get("/api/slides/{id}/classify", guard.protect(slides::classifySlide));
    routes.get("/api/slides/{id}/heatmap.png", guard.protect(slides::heatmap));
    routes.get("/api/slides/{id}/overlay.png", guard.protect(slides::overlay));
    routes.get("/api/slides/{id}/zeroshot.geojson", guard.protect(slides::zeroShotGeoJson));
    routes.get("/api/slides/{id}/image.dzi", guard.protect(slides::deepZoomDescriptor));
    routes.get("/api/slides/{id}/image_files/{level}/{tile}", guard.protect(slides::deepZoomTile));
    // <id> may span segments: a tile folder ingested without a manifest names tiles by their
    // relative
    // path (ADI/tile-1.png), and Jetty refuses an encoded slash (%2F) inside one segment.
    routes.get("/api/tiles/<id>/image", guard.protect(status::tileImage));
  }
}
