package org.pathlens.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.ImageHeader;
import org.pathlens.encoders.preprocess.ImageTooLargeException;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlideRecords;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.query.IndexQueries;
import org.pathlens.prompts.ClassEmbeddingCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API over one tile index and the bundle that built it, on Javalin. Each route is a thin
 * shell over the library calls the command line makes ({@code IndexQueries}, {@code
 * IndexClassifier}, {@code SlideViews}, {@code ZeroShotClassifier}); inference and slide reading
 * run on a bounded {@link InferencePool}, never on Jetty's threads without bound.
 */
public final class PathLensServer implements AutoCloseable {

  /** Server-side diagnostics (slf4j): the application's binding decides where they go. */
  private static final Logger LOG = LoggerFactory.getLogger(PathLensServer.class);

  /** Room for multipart headers around an upload of the maximum size. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;

  /** The longest request line and headers (Jetty's default): 414 or 431 above. */
  static final int MAX_REQUEST_HEADER_BYTES = 8192;

  /**
   * How long a connection may send nothing, in its headers or a body, before it is closed (an
   * upload is held to a minimum rate besides: {@link UploadGate}).
   */
  static final long READ_DEADLINE_MS = 10_000;

  /**
   * Uploads up to this many pixels (a 4,096 px square region) are decoded exactly, bit for bit as
   * the Python reference; larger ones at reduced scale ({@link ImageDecoder#reducedAbove}).
   */
  static final long EXACT_DECODE_PIXELS = 4096L * 4096;

  /**
   * A reduced-scale decode keeps a short side of at least this many times the model's input side:
   * the model sees 224–448 px, so a 9,400 px upload is decoded at 940 px, not 9,400.
   */
  static final int REDUCED_SCALE_MARGIN = 4;

  private final ServerConfig config;

  /**
   * The API's JSON: records answer with snake_case names ({@code model_hash}), as the trees built
   * by hand do.
   */
  private final ObjectMapper json =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private final ErrorResponses errors = new ErrorResponses();
  private final VisionLanguageModel model;
  private final TileIndex index;
  private final SlideRecords slideRecords;
  private final IndexQueries queries;
  private final ImageDecoder decoder;
  private final DecodeBudget decodeBudget;
  private final InferencePool inference;
  private final InferencePool uploadWork;
  private final Path uploads;
  private final TokenGuard guard;
  private final UploadGate uploadGate;
  private final ApiRoutes routes;
  private final Javalin app;
  private String lastRefreshFailure; // only the refresher thread reads and writes it
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("pathlens-index-refresh").factory());

  private PathLensServer(ServerConfig config, VisionLanguageModel model, TileIndex index)
      throws IOException {
    this.config = config;
    this.model = model;
    this.index = index;
    this.slideRecords = index.slideRecords();
    ImageDecoder exact = new ImageDecoder(config.maxPixels());
    this.decoder =
        exact.reducedAbove(
            EXACT_DECODE_PIXELS, REDUCED_SCALE_MARGIN * model.bundle().config().image().size());
    this.decodeBudget =
        new DecodeBudget(config.decodeMemoryBytes(), DecodeBudget.DEFAULT_WAIT_MILLIS);
    this.queries = new IndexQueries(index, model, decoder);
    this.inference =
        new InferencePool("inference", config.inferenceThreads(), config.inferenceQueue());
    // Uploads decode and embed on threads of their own: text searches never queue behind them.
    this.uploadWork =
        new InferencePool("upload", config.inferenceThreads(), config.inferenceQueue());
    this.uploads = UploadFolders.create(Path.of(System.getProperty("java.io.tmpdir")));
    ClassEmbeddingCache cache =
        config.cacheDir() == null
            ? ClassEmbeddingCache.inMemory()
            : ClassEmbeddingCache.inDirectory(config.cacheDir());
    PromptSets prompts = new PromptSets(config.promptsDir(), model, cache);
    SavedClassifierModels saved = new SavedClassifierModels(index, model.logitScale());
    this.guard = new TokenGuard(config.token(), Sessions.defaults(), json);
    this.uploadGate = new UploadGate(config.uploadsAtOnce());
    this.routes =
        new ApiRoutes(
            // The index's own tile images are served as they are: decoded exactly.
            new StatusRoutes(this, index, new TileImages(slideRecords, exact), model.bundle()),
            new SearchRoutes(this, queries, index),
            new ClassifyRoutes(this, prompts, saved, decoder, queries),
            new SlideRoutes(
                this, prompts, saved, index, slideRecords, model.bundle().config().image().size()),
            new SavedClassifierRoutes(this, saved, index));

    this.app =
        Javalin.create(
            javalin -> {
              javalin.startup.showJavalinBanner = false;
              javalin.http.prefer405over404 = true; // a known route asked with another method
              javalin.jsonMapper(new JavalinJackson(json, false));
              javalin.jetty.multipartConfig.maxFileSize(
                  config.maxUploadBytes() + MULTIPART_OVERHEAD, SizeUnit.BYTES);
              javalin.jetty.multipartConfig.maxTotalRequestSize(
                  config.maxUploadBytes() + MULTIPART_OVERHEAD, SizeUnit.BYTES);
              // Jetty spills a part to a file as it arrives; in our own folder, a killed server's
              // spills are deleted by the next server (UploadFolders), not left in /tmp for good.
              javalin.jetty.multipartConfig.cacheDirectory(uploads.toString());
              javalin.jetty.modifyServer(jetty -> jetty.setErrorHandler(new JettyErrors()));
              javalin.jetty.modifyHttpConfiguration(
                  http -> {
                    http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
                    http.setIdleTimeout(READ_DEADLINE_MS);
                  });
              HostCheck hosts = new HostCheck(config.host());
              javalin.routes.before(hosts::check);
              javalin.routes.before(OriginCheck::check);
              javalin.routes.before(PathLensServer::securityHeaders);
              javalin.routes.before(this::checkRequestSize);
              routes.register(javalin.routes, guard);
              // The web UI: plain files from the jar, calling the routes above (GET / is
              // web/index.html). They
              // hold no data, so the token does not guard them: the page has to load to ask for it.
              javalin.staticFiles.add("/web", Location.CLASSPATH);
              javalin.staticFiles.enableWebjars(); // OpenSeadragon, at /webjars/openseadragon/
              javalin.routes.exception(HttpResponseException.class, errors::handle);
              javalin.routes.exception(Exception.class, errors::handle);
            });
  }

  private void refreshIndex() {
    try {
      index.refresh();
      lastRefreshFailure = null;
    } catch (IOException | RuntimeException e) {
      // Searches keep the last good view; the next tick tries again. Said once per fault, loudly:
      // a commit that fails its checksums is never served.
      String failure = e.getClass().getSimpleName() + ": " + e.getMessage();
      if (!failure.equals(lastRefreshFailure)) {
        LOG.warn(
            "pathlens serve: the new commit of index {} is not served, searches keep the last"
                + " good one ({})",
            config.index(),
            failure);
        lastRefreshFailure = failure;
      }
    }
  }

  /**
   * Headers on every answer: no MIME sniffing, no framing, no referrer, and a content security
   * policy that lets the web UI load only its own scripts and styles (images also from blob: URLs,
   * the previews of files a user picks).
   */
  private static void securityHeaders(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none';"
            + " frame-ancestors 'none'; form-action 'self'");
  }

  /**
   * Loads the bundle, opens the index for search and starts serving.
   *
   * @throws IOException when the index cannot be opened (or was built with another bundle)
   */
  public static PathLensServer start(ServerConfig config) throws IOException {
    BindCheck.requireBindable(config.host(), config.port());
    VisionLanguageModel model = VisionLanguageModel.load(config.bundleDir(), config.encoder());
    TileIndex index = null;
    try {
      index =
          TileIndex.openForSearch(
              config.index(), IndexProvenance.of(model), IndexSettings.defaults());
      PathLensServer server = new PathLensServer(config, model, index);
      server.app.start(config.host(), config.port());
      // An ingest may write the index while it is served: its commits become searchable within a
      // second, without a restart (a refresh that finds no new commit costs a file listing).
      server.refresher.scheduleWithFixedDelay(server::refreshIndex, 1, 1, TimeUnit.SECONDS);
      return server;
    } catch (IOException | RuntimeException e) {
      if (index != null) {
        index.close();
      }
      model.close();
      throw e;
    }
  }

  /** The port it listens on (the one picked when the config asked for 0). */
  public int port() {
    return app.port();
  }

  /** The address to print: {@code http://host:port}. */
  public String url() {
    return "http://" + config.host() + ":" + port();
  }

  ServerConfig config() {
    return config;
  }

  VisionLanguageModel model() {
    return model;
  }

  TileIndex index() {
    return index;
  }

  IndexQueries queries() {
    return queries;
  }

  InferencePool inference() {
    return inference;
  }

  /** The pool that runs the work of uploads ({@link #asyncDecoding}). */
  InferencePool uploadWork() {
    return uploadWork;
  }

  Path uploads() {
    return uploads;
  }

  /** The upload of a request, received within the bound on uploads at once. */
  UploadedImage upload(Context ctx) {
    try {
      uploadWork.requireRoom(); // a request the pool would refuse is refused before its upload
    } catch (ApiException busy) {
      ctx.header("Connection", "close"); // its body stays unread
      throw busy;
    }
    return uploadGate.receive(ctx, config.maxUploadBytes());
  }

  TokenGuard guard() {
    return guard;
  }

  ObjectMapper json() {
    return json;
  }

  /** Every route registered, as {@code "METHOD path"}: what the OpenAPI description must cover. */
  List<String> registeredRoutes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
        .filter(
            r ->
                r.startsWith("GET ")
                    || r.startsWith("POST ")
                    || r.startsWith("PUT ")
                    || r.startsWith("DELETE "))
        .sorted()
        .toList();
  }

  /**
   * Runs {@code work}, which decodes {@code image}, on the upload pool, once the image's header
   * allows it and its decode fits the {@link DecodeBudget}: both are settled here, on the request's
   * thread, so that an image over {@code --max-pixels} is a 413, and one the budget has no room for
   * a 503, before any work is queued. The memory is reserved until the work ends.
   */
  void asyncDecoding(Context ctx, UploadedImage image, Callable<?> work) {
    ImageHeader header = header(image);
    DecodeBudget.Reservation reservation =
        decodeBudget.reserve(header, decoder.decodeCost(header), image.name());
    CompletableFuture<?> result;
    try {
      result = uploadWork.submit(work);
    } catch (RuntimeException e) {
      reservation.close();
      throw e;
    }
    // Given back however the work ends: its pixels are garbage by then.
    var done = result.whenComplete((r, e) -> reservation.close()).thenAccept(r -> respond(ctx, r));
    ctx.future(() -> done);
  }

  /** The budget the uploads being decoded share; tests take from it to fill it. */
  DecodeBudget decodeBudget() {
    return decodeBudget;
  }

  /**
   * The header of an upload; an image over the pixel limit is a 413, one that does not parse a 400.
   */
  private ImageHeader header(UploadedImage image) {
    try {
      return decoder.header(image.bytes(), image.name());
    } catch (ImageTooLargeException e) {
      throw new ApiException(413, e.getMessage(), UploadedImage.PART, e);
    } catch (ImageDecodeException e) {
      throw new ApiException(400, e.getMessage(), UploadedImage.PART, e);
    }
  }

  /** Runs {@code work} on the inference pool and answers with its result (JSON, or image bytes). */
  void async(Context ctx, Callable<?> work) {
    var done = inference.submit(work).thenAccept(result -> respond(ctx, result));
    ctx.future(() -> done);
  }

  static void respond(Context ctx, Object result) {
    if (result instanceof TileImages.Encoded image) {
      ctx.contentType(image.contentType()).result(image.bytes());
    } else {
      ctx.json(result);
    }
  }

  /** Refuses a body over the limit from its declared length, before any of it is read. */
  private void checkRequestSize(Context ctx) {
    long length = ctx.req().getContentLengthLong();
    if (length > config.maxUploadBytes() + MULTIPART_OVERHEAD) {
      throw UploadedImage.tooLarge(length, config.maxUploadBytes());
    }
  }

  /** Slide ids with a record in the index, sorted. */
  List<String> slideIds() throws IOException {
    return slideRecords.slideIds();
  }

  /** The index's slide records and thumbnails. */
  SlideRecords slideRecords() {
    return slideRecords;
  }

  /** A slide with at least one tile in the index, else 404. */
  void requireIndexedSlide(String slideId) throws IOException {
    if (slideId.isBlank() || index.count(TileFilter.slide(slideId)) == 0) {
      throw ApiException.notFound("no tiles of slide '" + slideId + "' in the index");
    }
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = PathLensServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("resource " + name + " missing from the server jar");
      }
      return in.readAllBytes();
    }
  }

  ArrayNode array() {
    return json.createArrayNode();
  }

  ObjectNode object() {
    return json.createObjectNode();
  }

  @Override
  public void close() throws IOException {
    refresher.shutdownNow();
    app.stop();
    uploadGate.close();
    inference.close();
    uploadWork.close();
    try {
      index.close();
    } finally {
      model.close();
      try (Stream<Path> files = Files.list(uploads)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(uploads);
    }
  }
}
