package dev.kiln.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.ModelRuntime;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.ModelVersion;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The HTTP prediction server of {@code kiln serve}: registered models (NAME@ALIAS follows the alias,
 * NAME:VERSION pins one) and {@code kiln/export} bundles, with Prometheus metrics. A wrong target
 * or option is a {@link ServeProblem}.
 */
public final class ModelServer {
  /**
   * @param host the address to bind
   * @param port the port (0 picks a free one)
   * @param pollMs how often aliases are checked for a move
   * @param maxBody the largest request body; larger ones get 413
   */
  public record Options(String host, int port, long pollMs, long maxBody) {}

  private final KilnHome home;
  private final Set<ModelRuntime> runtimes;
  private final Path cwd;
  private final Consumer<String> requireModel;
  private final String host;
  private final int port;
  private final long pollMs;
  private final long maxBody;

  /**
   * @param cwd where bundle files are resolved
   * @param requireModel throws (a usage error naming the registered models) when a name is not a registered model
   */
  public ModelServer(KilnHome home, Set<ModelRuntime> runtimes, Path cwd, Consumer<String> requireModel, Options options) {
    this.home = home;
    this.runtimes = runtimes;
    this.cwd = cwd;
    this.requireModel = requireModel;
    this.host = options.host();
    this.port = options.port();
    this.pollMs = options.pollMs();
    this.maxBody = options.maxBody();
  }

  /** What is served under a name now; requests take the reference once, so a swap never affects one in flight. */
  record Current(int version, String sha256, ModelRuntime.Loaded model) {}

  static final class Served {
    final String name;
    final String alias;
    final Integer pinned;
    final ExportManifest bundle;
    volatile Current current;

    Served(String name, String alias, Integer pinned, ExportManifest bundle) {
      this.name = name;
      this.alias = alias;
      this.pinned = pinned;
      this.bundle = bundle;
    }

    String shown() {
      return bundle != null ? name + " (" + bundle.file() + ")" : alias != null ? name + "@" + alias : name + ":" + pinned;
    }
  }

  private final PrometheusRegistry metrics = new PrometheusRegistry();
  private final Counter requests = Counter.builder().name("kiln_serve_requests_total").help("Prediction requests by model and HTTP status").labelNames("model", "status").register(metrics);
  private final Histogram latency = Histogram.builder().name("kiln_serve_request_duration_seconds").help("Prediction request latency").labelNames("model")
      .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5).register(metrics);
  private final Counter rowsScored = Counter.builder().name("kiln_serve_rows_total").help("Rows predicted").labelNames("model").register(metrics);
  private final Gauge versionGauge = Gauge.builder().name("kiln_serve_model_version").help("The registry version being served").labelNames("model", "alias").register(metrics);
  private final Counter swaps = Counter.builder().name("kiln_serve_model_swaps_total").help("Versions swapped in after an alias moved").labelNames("model").register(metrics);

  /** Loads every target, serves them until the process is stopped, and returns 0; {@code out} gets what is served and alias moves, {@code err} failures. */
  public int serve(List<String> targets, PrintWriter out, PrintWriter err) throws Exception {
    Map<String, Served> served = new LinkedHashMap<>();
    for (String t : targets) {
      Served s = parse(t);
      if (served.containsKey(s.name)) throw new ServeProblem("model " + s.name + " is named twice; serve one version or alias per name");
      served.put(s.name, s);
    }
    boolean embedded = home.env().get("KILN_DB_URL") == null || home.env().get("KILN_DB_URL").isBlank();
    for (Served s : served.values()) {
      if (s.bundle != null) {
        s.current = loadBundle(s);
        continue;
      }
      ModelVersion v = resolveFromStore(s);
      if (embedded && s.alias != null) new AliasPointer(s.name, s.alias, v.version(), v.artifactSha256(), v.mediaType()).write(home.dir());
      s.current = load(s.name, v.version(), v.artifactSha256(), v.mediaType(), v.runId());
      versionGauge.labelValues(s.name, s.alias == null ? "" : s.alias).set(v.version());
    }
    // the embedded H2 database admits one process: let go of it, and watch alias pointers instead
    if (embedded) home.close();

    Javalin app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.http.maxRequestSize = maxBody;
      cfg.useVirtualThreads = false;
    });
    app.get("/healthz", ctx -> ctx.result("ok"));
    app.get("/readyz", ctx -> {
      boolean ready = served.values().stream().allMatch(s -> s.current != null);
      ctx.status(ready ? 200 : 503).result(ready ? "ready" : "loading");
    });
    app.get("/metrics", ctx -> {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      new PrometheusTextFormatWriter(false).write(b, metrics.scrape());
      ctx.contentType(PrometheusTextFormatWriter.CONTENT_TYPE).result(b.toByteArray());
    });
    app.get("/v1/models", ctx -> {
      List<Map<String, Object>> list = new ArrayList<>();
      for (Served s : served.values()) {
        Current c = s.current;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name);
        m.put("alias", s.alias);
        m.put("version", s.bundle != null ? null : c.version());
        if (s.bundle != null) m.put("bundle", s.bundle.file().toString());
        m.put("inputs", c.model().inputs());
        list.add(m);
      }
      json(ctx, 200, Map.of("models", list));
    });
    app.post("/v1/models/{name}/predict", ctx -> predict(ctx, served.get(ctx.pathParam("name")), served.keySet(), err));
    app.exception(Exception.class, (e, ctx) -> internalError(ctx, e, err));

    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kiln-serve-alias-poll");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(() -> {
      for (Served s : served.values()) {
        if (s.alias == null) continue;
        try {
          poll(s, embedded, out);
        } catch (Exception e) {
          err.println("kiln serve: " + s.shown() + ": could not load the new version, still serving version " + s.current.version() + ": " + e.getMessage());
        }
      }
    }, pollMs, pollMs, TimeUnit.MILLISECONDS);

    try {
      app.start(host, port);
    } catch (io.javalin.util.JavalinBindException e) {
      poller.shutdownNow();
      throw new ServeProblem("cannot listen on " + host + ":" + port + ": the port is in use; stop what holds it, or pick another with --port (0 picks a free one)");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      poller.shutdownNow();
      app.stop();
      stopped.countDown();
    });
    Runtime.getRuntime().addShutdownHook(hook);
    for (Served s : served.values()) out.println("serving " + s.shown() + (s.bundle != null ? "" : " (version " + s.current.version() + ")") + " at http://" + host + ":" + app.port() + "/v1/models/" + s.name + "/predict");
    out.println("listening on http://" + host + ":" + app.port());
    out.flush();
    stopped.await();
    return 0;
  }

  private Served parse(String t) {
    if (t.endsWith(".zip") || t.contains("/") || t.contains(java.io.File.separator)) {
      Path file = cwd.resolve(t);
      if (!Files.isRegularFile(file)) throw new ServeProblem(t + ": no such bundle file; pass a zip written by kiln/export, or NAME@ALIAS of a registered model");
      ExportManifest manifest = ExportManifest.read(file);
      return new Served(manifest.name(), null, null, manifest);
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]*)(?:@([A-Za-z][A-Za-z0-9_-]*)|:(\\d+))?").matcher(t);
    if (!m.matches()) throw new ServeProblem("\"" + t + "\" is not NAME@ALIAS, NAME:VERSION or NAME (e.g. churn@champion)");
    return new Served(m.group(1), m.group(3) != null ? null : m.group(2) != null ? m.group(2) : "champion", m.group(3) == null ? null : Integer.parseInt(m.group(3)), null);
  }

  private ModelVersion resolveFromStore(Served s) {
    var reg = home.store().models();
    requireModel.accept(s.name);
    Optional<ModelVersion> v = s.alias != null ? reg.byAlias(s.name, s.alias) : reg.version(s.name, s.pinned);
    return v.orElseThrow(() -> new ServeProblem(s.alias != null
        ? s.name + " has no alias \"" + s.alias + "\"; promote a version first: kiln promote " + s.name + " VERSION --alias " + s.alias
        : s.name + " has no version " + s.pinned + "; `kiln models " + s.name + "` lists them"));
  }

  /** Loads a registered version; {@code runId}, the run that registered it, may be null (an alias pointer does not say). */
  private Current load(String name, int version, String sha, String mediaType, String runId) throws Exception {
    String shown = name + " version " + version;
    ModelRuntime rt = runtimeFor(mediaType, shown + " is");
    Path file = home.artifacts().root().resolve(sha);
    Path aside = file.resolveSibling(sha + ".corrupt");
    String hint = "\n  hint: restore it from a backup of KILN_HOME, rebuild it with "
        + (runId != null ? "`kiln reproduce " + runId + "` (the run that registered it)" : "`kiln reproduce RUN` (the run that registered it; `kiln models " + name + "` shows it)")
        + ", or serve another version";
    Optional<Artifact> found = home.artifacts().find(sha, mediaType, name + "-v" + version);
    if (found.isEmpty() && Files.exists(aside)) {
      throw new ServeProblem(shown + ": its model file " + file + " is damaged: it failed its hash check earlier and was moved aside to " + aside + hint);
    }
    Artifact a = found.orElseThrow(() -> new ServeProblem(shown + ": its artifact " + sha + " is not in " + home.artifacts().root() + "; serve from the KILN_HOME it was trained in"));
    if (!home.artifacts().isIntact(a)) {
      try {
        home.artifacts().path(a); // the store's rule for a damaged file: moved aside, so nothing reads it again
      } catch (java.io.IOException expected) {
        // the message says where it went
      }
      throw new ServeProblem(shown + ": its model file " + file + " is damaged: its content does not match the SHA-256 the registry recorded"
          + (Files.exists(aside) ? "; it was moved aside to " + aside : "") + hint);
    }
    try {
      return new Current(version, sha, rt.load(home.artifacts().path(a), shown + " (" + file + ")"));
    } catch (InvalidInput e) {
      // intact (its hash matches) but unreadable: written by another version of the plugin
      throw new ServeProblem(withoutHint(e) + "\n  hint: serve it with the Kiln version that trained it, or train and register the model again");
    }
  }

  /** A kiln/export bundle, checked against its manifest already: the runtime for the media type its manifest names loads the zip itself. */
  private Current loadBundle(Served s) throws Exception {
    ExportManifest m = s.bundle;
    try {
      return new Current(0, m.sourceSha256(), runtimeFor(m.modelMediaType(), m.file() + " holds").load(m.file(), m.file().toString()));
    } catch (InvalidInput e) {
      throw new ServeProblem(withoutHint(e) + "\n  hint: export the model again with this version of Kiln");
    }
  }

  /** A runtime's message without its hint, which speaks to pipeline authors. */
  private static String withoutHint(InvalidInput e) {
    String msg = e.getMessage();
    int h = msg.indexOf("\n  hint: ");
    return h < 0 ? msg : msg.substring(0, h);
  }

  /** The installed runtime that loads {@code mediaType}; {@code what} starts the sentence when there is none. */
  private ModelRuntime runtimeFor(String mediaType, String what) {
    return runtimes.stream().filter(r -> r.loads(mediaType)).findFirst()
        .orElseThrow(() -> new ServeProblem(what + " a " + mediaType + ", which no installed plugin can serve"));
  }

  private void poll(Served s, boolean embedded, PrintWriter out) throws Exception {
    int version;
    String sha;
    String media;
    String runId = null;
    if (embedded) {
      Optional<AliasPointer> p = AliasPointer.read(home.dir(), s.name, s.alias);
      if (p.isEmpty()) return;
      version = p.get().version();
      sha = p.get().sha256();
      media = p.get().mediaType();
    } else {
      Optional<ModelVersion> v = home.store().models().byAlias(s.name, s.alias);
      if (v.isEmpty()) return;
      version = v.get().version();
      sha = v.get().artifactSha256();
      media = v.get().mediaType();
      runId = v.get().runId();
    }
    Current now = s.current;
    if (now.version() == version && now.sha256().equals(sha)) return;
    Current next = load(s.name, version, sha, media, runId);
    s.current = next;
    swaps.labelValues(s.name).inc();
    versionGauge.labelValues(s.name, s.alias).set(version);
    out.println(s.shown() + " moved: now serving version " + version + " (was " + now.version() + ")");
    out.flush();
  }

  private void predict(Context ctx, Served s, Set<String> names, PrintWriter err) {
    long t0 = System.nanoTime();
    try {
      if (s == null) {
        json(ctx, 404, Map.of("error", "no model \"" + ctx.pathParam("name") + "\" is served here", "served", names));
        return;
      }
      Current c = s.current;
      List<Map<String, Object>> rows;
      boolean csv = String.valueOf(ctx.contentType()).toLowerCase(java.util.Locale.ROOT).contains("csv");
      try {
        byte[] body = RequestBody.read(ctx.req(), maxBody);
        if (body == null) {
          json(ctx, 413, Map.of("error", "the body is larger than " + maxBody + " bytes; send fewer rows per request"));
          return;
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        rows = csv ? csvRows(text) : jsonRows(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        var at = e.getLocation();
        json(ctx, 400, Map.of("error", "the body is not CSV with a header row: " + e.getOriginalMessage() + (at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ")")));
        return;
      } catch (InvalidInput e) {
        json(ctx, 400, Map.of("error", e.getMessage()));
        return;
      } catch (java.io.IOException e) {
        json(ctx, 400, Map.of("error", "the body could not be read to its end (the connection failed)"));
        return;
      }
      if (rows.isEmpty()) {
        json(ctx, 400, Map.of("error", "no rows to predict", "hint", "send {\"rows\": [{...}, ...]}, a JSON array of rows, one row object, or CSV with a header"));
        return;
      }
      try {
        List<Map<String, Object>> preds = c.model().predict(rows, csv);
        rowsScored.labelValues(s.name).inc(rows.size());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", s.name);
        body.put("version", c.version());
        body.put("predictions", preds);
        json(ctx, 200, body);
      } catch (ModelRuntime.InvalidRow e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.summary());
        body.put("field", e.field());
        if (e.hint() != null) body.put("hint", e.hint());
        json(ctx, 400, body);
      } catch (InvalidInput e) {
        // Kiln's messages put a hint on a line of its own: "...\n  hint: ..."
        String msg = e.getMessage();
        int h = msg.indexOf("\n  hint: ");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", h < 0 ? msg : msg.substring(0, h));
        if (h >= 0) body.put("hint", msg.substring(h + "\n  hint: ".length()));
        json(ctx, 400, body);
      }
    } catch (RuntimeException e) {
      internalError(ctx, e, err);
    } finally {
      // the status actually sent, whatever path set it
      requests.labelValues(s == null ? "" : s.name, Integer.toString(ctx.statusCode())).inc();
      if (s != null) latency.labelValues(s.name).observe((System.nanoTime() - t0) / 1e9);
    }
  }

  /** A 500 that says nothing of the exception (its class and message stay in the server's log, on stderr). */
  static void internalError(Context ctx, Exception e, PrintWriter err) {
    err.println("kiln serve: internal error answering " + ctx.method() + " " + ctx.path() + ":");
    e.printStackTrace(err);
    err.flush();
    json(ctx, 500, Map.of("error", "internal error; the server's log has the details"));
  }

  static List<Map<String, Object>> jsonRows(String body) throws InvalidInput {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidInput("the body is not valid JSON: " + e.getOriginalMessage());
    }
    if (n == null || n.isMissingNode()) throw new InvalidInput("the body is empty");
    JsonNode rows = n;
    if (n.isObject()) {
      for (String k : List.of("rows", "instances", "dataframe_records")) {
        if (n.has(k)) {
          rows = n.get(k);
          break;
        }
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    if (rows.isObject()) rows = Json.MAPPER.createArrayNode().add(rows);
    if (!rows.isArray()) throw new InvalidInput("expected rows: {\"rows\": [{\"field\": value, ...}, ...]}, an array of row objects, or one row object");
    int i = 0;
    for (JsonNode r : rows) {
      if (!r.isObject()) throw new InvalidInput("row " + i + " is not an object of field -> value");
      Map<String, Object> m = new LinkedHashMap<>();
      // an integer too long for a long is a double (possibly infinite), not its low 64 bits
      r.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isIntegralNumber() && !e.getValue().canConvertToLong() ? e.getValue().doubleValue() : Json.plain(e.getValue())));
      out.add(m);
      i++;
    }
    return out;
  }

  static List<Map<String, Object>> csvRows(String body) throws java.io.IOException {
    CsvMapper mapper = new CsvMapper();
    List<Map<String, Object>> out = new ArrayList<>();
    try (MappingIterator<Map<String, Object>> it = mapper.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader()).readValues(body)) {
      while (it.hasNextValue()) out.add(it.nextValue()); // the checked forms: hasNext() wraps a parse error in a RuntimeException
    }
    return out;
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }
}
