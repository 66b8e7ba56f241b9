package dev.kiln.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.inject.Inject;
import com.google.inject.Provider;
import dev.kiln.api.Artifact;
import dev.kiln.api.ChildProbe;
import dev.kiln.api.ChildRun;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepFailure;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A hyperparameter search as one step: each trial runs the trainer step type with sampled
 * parameters as a child step (cached and recorded like a step), scored on a validation split or by
 * k-fold cross-validation; finished trials are kept in the step's durable state, so a killed
 * search resumes without redoing them.
 */
final class TuneStep implements StepType<TuneStep.Params> {
  static final Set<String> SAMPLERS = Set.of("auto", "tpe", "gp", "random", "grid");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private Provider<Map<String, StepType<?>>> types;

  @Inject
  void types(Provider<Map<String, StepType<?>>> types) {
    this.types = types;
  }

  record Objective(
      @Param(value = "the trainer's metric to optimise, e.g. roc-auc, accuracy, r2, rmse", required = true) String metric,
      @Param(value = "maximize or minimize (default: minimize for rmse, mae, log-loss and other losses, else maximize)") String direction,
      @Param(value = "score each trial by k-fold cross-validation of data", min = 2, max = 100) Integer cv,
      @Param("score each trial on this validation split") Artifact valid) {}

  record Prune(
      @Param(value = "median (stop trials worse than the median at the same step) or asha (successive halving)", required = true) String method,
      @Param(value = "median: complete trials before pruning starts", min = 0, defaultValue = "5") Integer startupTrials,
      @Param(value = "median: steps before a trial can be pruned", min = 0, defaultValue = "0") Integer warmupSteps,
      @Param(value = "asha: the first rung's step", min = 1, defaultValue = "1") Integer minResource,
      @Param(value = "asha: keep the best 1/factor at each rung", min = 2, defaultValue = "4") Integer reductionFactor) {}

  record Params(
      @Param(value = "the step type each trial runs, e.g. tribuo/train", required = true) String trainer,
      @Param("params every trial passes to the trainer unchanged (e.g. task, algorithm, transform)") Map<String, Object> fixed,
      @Param("the training data, passed to the trainer as data:") Artifact data,
      @Param(value = "what to optimise and how to score a trial", required = true) Objective objective,
      @Param(value = "the search space: name -> {float: [lo, hi]} | {int: [lo, hi]} (log:, step:) | {choice: [...]} | {choice: {a: {subspace}}}", required = true) Map<String, Object> space,
      @Param(value = "auto (the Gaussian process for small numeric spaces and budgets, else TPE), tpe, gp, random or grid", defaultValue = "auto") String sampler,
      @Param(value = "budget: the number of trials (with grid: at most the grid's size)", min = 1, max = 100000, defaultValue = "20") Integer trials,
      @Param("budget: stop proposing trials after this long, e.g. 10m") Duration maxTime,
      @Param("stop a trial still running after this long, e.g. 2m: it ends FAILED (timed out) and the search goes on") Duration trialTimeout,
      @Param(value = "stop when the best value has not improved for this many finished trials", min = 1) Integer patience,
      @Param(value = "trials run at once", min = 1, max = 256, defaultValue = "1") Integer parallelism,
      @Param("the sampler's seed (default: derived from the pipeline and step)") Long seed,
      @Param(value = "auto, tpe, gp: random trials before the model is used", min = 0, defaultValue = "10") Integer startupTrials,
      @Param(value = "tpe: candidates scored per proposal", min = 1, defaultValue = "24") Integer eiCandidates,
      @Param(value = "tpe: model the top-level parameters jointly (Optuna 5's default); false for the univariate TPE", defaultValue = "true") Boolean multivariate,
      @Param(value = "tpe: count running trials as bad ones so parallel trials spread out (default: true when parallelism > 1)") Boolean constantLiar,
      @Param("stop unpromising trials early from the intermediate values the trainer reports (cross-validation folds)") Prune prune,
      @Param(value = "auto, tpe, gp: learn first from the complete trials of earlier runs of this step with the same trainer and objective (trials outside the current space are skipped)", defaultValue = "false") Boolean warmStart) {
    Params {
      if (space != null) {
        Space s = Space.parse(space, "space");
        if ("grid".equals(sampler)) {
          for (Space.Dim d : s.all()) {
            if (d instanceof Space.Num n && n.step() <= 0) throw new InvalidParamException(d.path() + ".float", false, "grid search needs a step for float parameter \"" + d.name() + "\"", "add step: (e.g. step: 0.05) or use sampler: tpe");
          }
        }
      }
      if (trialTimeout != null && (trialTimeout.isZero() || trialTimeout.isNegative())) {
        throw new InvalidParamException("trial-timeout", false, "trial-timeout must be positive, found " + trialTimeout.toMillis() + "ms", "write e.g. trial-timeout: 2m");
      }
      if (sampler != null && !SAMPLERS.contains(sampler)) throw new InvalidParamException("sampler", false, "unknown sampler \"" + sampler + "\"", "valid: auto, tpe, gp, random, grid");
      if (Boolean.TRUE.equals(warmStart) && ("random".equals(sampler) || "grid".equals(sampler))) {
        throw new InvalidParamException("warm-start", true, "warm-start needs a sampler that learns from trials; " + sampler + " does not", "use sampler: auto, tpe or gp, or drop warm-start");
      }
      if (objective != null) {
        if (objective.direction() != null && !objective.direction().equals("maximize") && !objective.direction().equals("minimize")) {
          throw new InvalidParamException("objective.direction", false, "direction is maximize or minimize, found \"" + objective.direction() + "\"", null);
        }
        if (objective.cv() != null && objective.valid() != null) throw new InvalidParamException("objective.cv", true, "give cv: or valid:, not both", "cv: k scores by k-fold cross-validation; valid: scores on a held-out split");
        if (objective.cv() == null && objective.valid() == null) throw new InvalidParamException("objective", false, "the objective needs cv: (folds) or valid: (a validation split)", "scoring trials on their own training data would reward overfitting; add cv: 5");
      }
      if (prune != null && !prune.method().equals("median") && !prune.method().equals("asha")) {
        throw new InvalidParamException("prune.method", false, "unknown pruner \"" + prune.method() + "\"", "valid: median, asha");
      }
      if (prune != null && objective != null && objective.cv() == null) {
        throw new InvalidParamException("prune", true, "pruning needs intermediate values: use objective cv: (one value per fold)", "remove prune: or score by cv:");
      }
      fixed = fixed == null ? Map.of() : fixed;
      sampler = sampler == null ? "auto" : sampler;
      trials = trials == null ? 20 : trials;
      parallelism = parallelism == null ? 1 : parallelism;
      startupTrials = startupTrials == null ? 10 : startupTrials;
      eiCandidates = eiCandidates == null ? 24 : eiCandidates;
      multivariate = multivariate == null || multivariate;
      warmStart = warmStart != null && warmStart;
      constantLiar = constantLiar == null ? parallelism > 1 : constantLiar;
    }

    boolean maximize() {
      if (objective.direction() != null) return objective.direction().equals("maximize");
      String m = objective.metric().toLowerCase(Locale.ROOT);
      return !(m.contains("rmse") || m.contains("mae") || m.contains("mse") || m.contains("loss") || m.contains("error"));
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "kiln/tune",
        "Hyperparameter search (auto, TPE, Gaussian process, random, grid) over any trainer step, with parallel trials, pruning, resume and warm start",
        Params.class,
        "1",
        List.of(
            Output.value("best", "the best trial's hyperparameters (the space's parameters the trainer takes under hyperparameters:): use as hyperparameters: ${{ steps.<id>.outputs.best }}"),
            Output.value("best-params", "every parameter of the best trial by name"),
            Output.value("best-value", "the best objective value"),
            Output.value("best-trial", "the best trial's number"),
            Output.value("metric", "the objective metric as the trainer reports it (e.g. cv.roc-auc)"),
            Output.value("completed", "how many trials completed"),
            Output.artifact("trials", "every trial (CSV): number, state, value, parameters (durations and cache hits are in the step log and kiln show)"),
            Output.artifact("history", "every trial with its intermediate values (JSON)"),
            Output.value("plots", "plot name -> PNG: history, param-<name>, parallel-coordinates"),
            Output.artifact("report", "an HTML page with the plots and the best trials")));
  }

  /** best-<name> for every space parameter the trainer takes as its own param (e.g. best-algorithm). */
  @Override
  public Set<String> outputsNamedBy(Map<String, Object> literalWith) {
    Set<String> out = new LinkedHashSet<>();
    Routing r = routing(String.valueOf(literalWith.get("trainer")));
    // from the raw mapping, so a mistake elsewhere in the space (reported on its own) does not
    // also break every reference to these outputs
    names(literalWith.get("space"), n -> {
      if (r.topLevel(n)) out.add("best-" + n);
    });
    return out;
  }

  private static void names(Object space, java.util.function.Consumer<String> sink) {
    if (!(space instanceof Map<?, ?> m)) return;
    m.forEach((k, v) -> {
      sink.accept(String.valueOf(k));
      if (v instanceof Map<?, ?> def && def.get("choice") instanceof Map<?, ?> choices) choices.values().forEach(sub -> names(sub, sink));
    });
  }

  // ---------------------------------------------------------------- routing params to the trainer

  /** Which YAML keys the trainer's params record has. */
  record Routing(Set<String> keys, boolean known) {
    boolean topLevel(String name) {
      return keys.contains(name) || !known || !keys.contains("hyperparameters");
    }

    boolean has(String key) {
      return keys.contains(key);
    }
  }

  Routing routing(String trainer) {
    StepType<?> t = types == null ? null : types.get().get(trainer);
    if (t == null) return new Routing(Set.of(), false);
    Set<String> keys = new LinkedHashSet<>();
    for (var c : t.paramsType().getRecordComponents()) keys.add(StepType.yamlKey(c.getName()));
    return new Routing(keys, true);
  }

  /**
   * The with: of one trial. Values are whatever {@code value} makes of a parameter: the trial's
   * value at run time, a probe blamed on its definition for kiln validate.
   */
  private static Map<String, Object> trialWith(Routing r, Map<String, Object> fixed, Object data, Map<String, Object> named, Object cv, Object valid, Object seed, Object scoreOnly) {
    Map<String, Object> with = new LinkedHashMap<>(fixed);
    if (data != null) with.put("data", data);
    Map<String, Object> hp = new LinkedHashMap<>();
    if (fixed.get("hyperparameters") instanceof Map<?, ?> fh) fh.forEach((k, v) -> hp.put(String.valueOf(k), v));
    named.forEach((k, v) -> {
      if (r.topLevel(k)) with.put(k, v);
      else hp.put(k, v);
    });
    if (!hp.isEmpty()) with.put("hyperparameters", hp);
    if (cv != null) with.put("cv", cv);
    if (valid != null) with.put("valid", valid);
    if (seed != null && r.has("seed") && !fixed.containsKey("seed")) with.put("seed", seed);
    if (scoreOnly != null && r.has("score-only")) with.put("score-only", scoreOnly);
    return with;
  }

  /** One probe per choice of each conditional parameter (and one for the rest), every value at its low end. */
  @Override
  @SuppressWarnings("unchecked")
  public List<ChildProbe> children(Map<String, Object> literalWith) {
    String trainer = String.valueOf(literalWith.get("trainer"));
    Map<String, Object> space = (Map<String, Object>) literalWith.get("space");
    Space s = Space.parse(space, "space");
    Routing r = routing(trainer);
    Map<String, Object> fixed = new LinkedHashMap<>();
    if (literalWith.get("fixed") instanceof Map<?, ?> f) {
      for (Object k : f.keySet()) {
        if (k.equals("hyperparameters") && f.get(k) instanceof Map<?, ?> fh) {
          Map<String, Object> h = new LinkedHashMap<>();
          for (Object hk : fh.keySet()) h.put(String.valueOf(hk), new ChildProbe.From("fixed.hyperparameters." + hk));
          fixed.put("hyperparameters", h);
        } else {
          fixed.put(String.valueOf(k), new ChildProbe.From("fixed." + k));
        }
      }
    }
    Object data = literalWith.containsKey("data") ? new ChildProbe.From("data") : null;
    Map<String, Object> obj = literalWith.get("objective") instanceof Map<?, ?> o ? (Map<String, Object>) o : Map.of();
    Object cv = obj.containsKey("cv") ? new ChildProbe.From("objective.cv") : null;
    Object valid = obj.containsKey("valid") ? new ChildProbe.From("objective.valid") : null;
    Object scoreOnly = new ChildProbe.At(true, "objective");
    List<Map<String, Object>> variants = new ArrayList<>();
    variants.add(Map.of());
    for (Space.Dim d : s.dims()) {
      if (d instanceof Space.Cat c && !c.sub().isEmpty()) {
        for (Object choice : c.choices()) variants.add(Map.of(c.id(), choice));
      }
    }
    List<ChildProbe> probes = new ArrayList<>();
    for (Map<String, Object> v : variants) {
      Map<String, Object> params = Sampler.walk(s, v, d -> d instanceof Space.Cat c ? c.choices().get(0) : ((Space.Num) d).toExternal(((Space.Num) d).lo()));
      Map<String, Object> named = new LinkedHashMap<>();
      for (Space.Dim d : s.active(params)) named.put(d.name(), new ChildProbe.At(params.get(d.id()), d.path()));
      String label = v.isEmpty() ? "trial" : "trial(" + v.entrySet().iterator().next().getKey() + "=" + v.values().iterator().next() + ")";
      probes.add(new ChildProbe(trainer, "trainer", trialWith(r, fixed, data, named, cv, valid, null, scoreOnly), label));
    }
    return probes;
  }

  // ---------------------------------------------------------------- the search

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    Space space = Space.parse(p.space(), "space");
    boolean max = p.maximize();
    long seed = p.seed() != null ? p.seed() : ctx.seed();
    Routing routing = routing(p.trainer());
    String metric = (p.objective().cv() != null ? "cv." : "valid.") + p.objective().metric();
    Sampler sampler = switch (p.sampler()) {
      case "random" -> new Sampler.Random(space);
      case "grid" -> new Sampler.Grid(space, seed);
      case "gp" -> new Gp(space, max, p.startupTrials());
      case "auto" -> new Auto(space, max, p.startupTrials(), p.eiCandidates(), p.constantLiar());
      default -> new Tpe(space, max, p.startupTrials(), p.eiCandidates(), p.multivariate(), p.constantLiar());
    };
    Pruner pruner = p.prune() == null ? Pruner.NONE
        : p.prune().method().equals("median") ? new Pruner.Median(max, orElse(p.prune().startupTrials(), 5), orElse(p.prune().warmupSteps(), 0))
        : new Pruner.Asha(max, orElse(p.prune().minResource(), 1), orElse(p.prune().reductionFactor(), 4));
    int budget = p.trials();
    if (sampler instanceof Sampler.Grid g && g.size() < budget) {
      ctx.log("the grid has " + g.size() + " points: running " + g.size() + " trials, not " + budget);
      budget = g.size();
    }

    // trials finished before an interruption: kept in the step's durable state
    List<Trial> history = Collections.synchronizedList(new ArrayList<>());
    for (var e : new TreeMap<>(ctx.state()).entrySet()) {
      if (e.getKey().startsWith("trial-")) history.add(fromJson(e.getValue()));
    }
    if (!history.isEmpty()) ctx.log("resuming the search: " + history.size() + " trials already finished");
    String objective = objectiveKey(p, metric, max);
    ctx.saveState(WarmStart.KEY, objective);
    List<Trial> earlier = List.of();
    if (p.warmStart()) {
      WarmStart w = WarmStart.from(ctx.earlierStates(WarmStart.MAX_RUNS), space, objective);
      ctx.log(w.describe());
      earlier = w.trials();
    }

    if (p.sampler().equals("auto")) ctx.log(Auto.describe(space, budget + earlier.size()));
    ctx.log(String.format(Locale.ROOT, "searching %d parameters with %s: %d trials, %d at a time, %s %s (%s)", space.all().size(), p.sampler(), budget, p.parallelism(),
        max ? "maximize" : "minimize", metric, p.objective().cv() != null ? p.objective().cv() + "-fold cross-validation" : "validation split"));
    Map<Integer, SortedMap<Long, Double>> live = new java.util.concurrent.ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(p.parallelism(), r -> {
      Thread t = new Thread(r, "kiln-trial");
      t.setDaemon(true);
      return t;
    });
    CompletionService<Trial> cs = new ExecutorCompletionService<>(pool);
    long started = System.nanoTime();
    int running = 0;
    int sinceImprovement = 0;
    Double bestSoFar = best(history, max).map(Trial::value).orElse(null);
    String stopReason = null;
    List<Future<Trial>> futures = new ArrayList<>();
    try {
      while (true) {
        if (ctx.cancelled()) throw new InterruptedException("cancelled");
        boolean canStart = stopReason == null;
        if (canStart && history.size() >= budget) {
          stopReason = "the budget of " + budget + " trials is spent";
          canStart = false;
        }
        if (canStart && p.maxTime() != null && System.nanoTime() - started > p.maxTime().toNanos()) {
          stopReason = "max-time " + p.maxTime() + " reached";
          canStart = false;
        }
        if (canStart && p.patience() != null && sinceImprovement >= p.patience()) {
          stopReason = "no improvement in the last " + p.patience() + " trials";
          canStart = false;
        }
        if (canStart && sampler.exhausted(history)) {
          stopReason = "every point of the grid was tried";
          canStart = false;
        }
        if (canStart && running < p.parallelism()) {
          int number = nextNumber(history);
          List<Trial> snapshot;
          synchronized (history) {
            snapshot = List.copyOf(history);
          }
          List<Trial> seen = withLive(snapshot, live);
          if (!earlier.isEmpty()) {
            List<Trial> all = new ArrayList<>(earlier);
            all.addAll(seen);
            seen = all;
          }
          Map<String, Object> params = sampler.propose(number, seen, rng(seed, number));
          if (params == null) {
            stopReason = "the sampler has nothing left to propose";
            continue;
          }
          Trial t = Trial.running(number, params);
          history.add(t);
          live.put(number, Collections.synchronizedSortedMap(new TreeMap<>()));
          Map<String, Object> with = trialWith(routing, p.fixed(), p.data(), space.named(params), p.objective().cv(), p.objective().valid(), seed, true);
          futures.add(cs.submit(() -> runTrial(ctx, p, t, with, metric, pruner, history, live)));
          running++;
          continue;
        }
        if (running == 0) break;
        Future<Trial> f = cs.poll(1, TimeUnit.SECONDS);
        if (f == null) continue;
        running--;
        Trial done;
        try {
          done = f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof StepFailure sf) throw sf;
          if (e.getCause() instanceof InterruptedException ie) throw ie;
          throw new StepFailure("trial failed unexpectedly: " + e.getCause());
        }
        live.remove(done.number());
        synchronized (history) {
          history.replaceAll(t -> t.number() == done.number() ? done : t);
        }
        ctx.saveState(String.format(Locale.ROOT, "trial-%05d", done.number()), toJson(done));
        if (done.state() == Trial.State.COMPLETE) {
          boolean better = bestSoFar == null || (max ? done.value() > bestSoFar : done.value() < bestSoFar);
          if (better) {
            bestSoFar = done.value();
            sinceImprovement = 0;
          } else {
            sinceImprovement++;
          }
          ctx.metric("objective", done.value(), done.number());
        } else {
          sinceImprovement++;
        }
        if (bestSoFar != null) ctx.metric("best", bestSoFar, done.number());
        long finished = history.stream().filter(t -> t.state() != Trial.State.RUNNING).count();
        ctx.log(String.format(Locale.ROOT, "trial %d %s%s in %.1fs%s %s%s", done.number(), done.state().name().toLowerCase(Locale.ROOT),
            done.value() == null ? "" : String.format(Locale.ROOT, " %s=%.5f", metric, done.value()), done.millis() / 1000.0, done.cached() ? " (cached)" : "",
            space.named(done.params()), done.error() == null ? "" : ": " + done.error()));
        ctx.progress(finished, budget, bestSoFar == null ? "no complete trial yet" : String.format(Locale.ROOT, "best %s %.4f", p.objective().metric(), bestSoFar));
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
    ctx.log("search stopped: " + stopReason);
    List<Trial> all = new ArrayList<>(history);
    all.sort(java.util.Comparator.comparingInt(Trial::number));
    Trial best = best(all, max).orElse(null);
    if (best == null) {
      String first = all.stream().map(Trial::error).filter(java.util.Objects::nonNull).findFirst().orElse("no trial ran");
      throw new StepFailure("no trial completed (" + all.size() + " ran); the first error: " + first, false);
    }
    return results(ctx, p, space, routing, all, best, metric, max);
  }

  /** What a search optimises, as recorded in its state: a warm start reads only runs with an equal entry. */
  static String objectiveKey(Params p, String metric, boolean max) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trainer", p.trainer());
    m.put("metric", metric);
    m.put("direction", max ? "maximize" : "minimize");
    return JSON.writeValueAsString(m);
  }

  private static int orElse(Integer v, int d) {
    return v == null ? d : v;
  }

  private static SplittableRandom rng(long seed, int number) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + number * 0xBF58476D1CE4E5B9L + 1);
  }

  private static int nextNumber(List<Trial> history) {
    Set<Integer> used = new java.util.HashSet<>();
    synchronized (history) {
      for (Trial t : history) used.add(t.number());
    }
    int n = 0;
    while (used.contains(n)) n++;
    return n;
  }

  /** Running trials carry the intermediate values reported so far (for ASHA and TPE's ranking). */
  private static List<Trial> withLive(List<Trial> snapshot, Map<Integer, SortedMap<Long, Double>> live) {
    List<Trial> out = new ArrayList<>(snapshot.size());
    for (Trial t : snapshot) {
      SortedMap<Long, Double> iv = t.state() == Trial.State.RUNNING ? live.get(t.number()) : null;
      if (iv == null) {
        out.add(t);
      } else {
        synchronized (iv) {
          out.add(new Trial(t.number(), t.params(), t.state(), t.value(), new TreeMap<>(iv), t.millis(), t.cached(), t.error()));
        }
      }
    }
    return out;
  }

  static java.util.Optional<Trial> best(List<Trial> trials, boolean max) {
    Trial best = null;
    synchronized (trials) {
      for (Trial t : trials) {
        if (t.state() != Trial.State.COMPLETE) continue;
        if (best == null || (max ? t.value() > best.value() : t.value() < best.value())) best = t;
      }
    }
    return java.util.Optional.ofNullable(best);
  }

  private Trial runTrial(StepContext ctx, Params p, Trial t, Map<String, Object> with, String metric, Pruner pruner, List<Trial> history, Map<Integer, SortedMap<Long, Double>> live) throws Exception {
    SortedMap<Long, Double> iv = live.get(t.number());
    ChildRun.Monitor monitor = (name, value, step) -> {
      if (!name.equals(metric) || step <= 0) return true;
      iv.put(step, value);
      List<Trial> snapshot;
      synchronized (history) {
        snapshot = List.copyOf(history);
      }
      SortedMap<Long, Double> mine;
      synchronized (iv) {
        mine = new TreeMap<>(iv);
      }
      return !pruner.prune(t.number(), mine, step, withLive(snapshot, live));
    };
    ChildRun r = ctx.runChild(String.format(Locale.ROOT, "trial-%05d", t.number()), p.trainer(), with, monitor, p.trialTimeout());
    SortedMap<Long, Double> inter;
    synchronized (iv) {
      inter = new TreeMap<>(iv);
    }
    return switch (r.status()) {
      case SUCCEEDED, CACHED -> {
        Double v = r.metrics().get(metric);
        if (v == null) {
          Set<String> names = new java.util.TreeSet<>();
          String prefix = metric.substring(0, metric.indexOf('.') + 1);
          for (String k : r.metrics().keySet()) if (k.startsWith(prefix) && !k.endsWith(".std")) names.add(k.substring(prefix.length()));
          // e.g. roc-auc from an algorithm without probabilities: this trial failed, the search goes on
          yield new Trial(t.number(), t.params(), Trial.State.FAILED, null, inter, r.millis(), r.status() == ChildRun.Status.CACHED,
              p.trainer() + " reported no metric \"" + metric + "\" (it reported: " + String.join(", ", names) + ")");
        }
        if (Double.isNaN(v)) yield new Trial(t.number(), t.params(), Trial.State.FAILED, null, inter, r.millis(), r.status() == ChildRun.Status.CACHED, metric + " is NaN");
        yield new Trial(t.number(), t.params(), Trial.State.COMPLETE, v, inter, r.millis(), r.status() == ChildRun.Status.CACHED, null);
      }
      case STOPPED -> new Trial(t.number(), t.params(), Trial.State.PRUNED, null, inter, r.millis(), false, "pruned at step " + (inter.isEmpty() ? 0 : inter.lastKey()));
      case FAILED -> new Trial(t.number(), t.params(), Trial.State.FAILED, null, inter, r.millis(), false, r.error());
    };
  }

  // ---------------------------------------------------------------- results

  private StepResult results(StepContext ctx, Params p, Space space, Routing routing, List<Trial> all, Trial best, String metric, boolean max) throws Exception {
    Map<String, Object> named = space.named(best.params());
    Map<String, Object> hp = new LinkedHashMap<>();
    StepResult.Builder out = StepResult.builder();
    named.forEach((k, v) -> {
      if (routing.topLevel(k)) out.output("best-" + k, v);
      else hp.put(k, v);
    });
    long complete = all.stream().filter(t -> t.state() == Trial.State.COMPLETE).count();
    long pruned = all.stream().filter(t -> t.state() == Trial.State.PRUNED).count();
    long failed = all.stream().filter(t -> t.state() == Trial.State.FAILED).count();
    long cached = all.stream().filter(Trial::cached).count();
    ctx.log(String.format(Locale.ROOT, "best: trial %d, %s = %.5f, %s (%d complete, %d pruned, %d failed, %d from the cache)", best.number(), metric, best.value(), named, complete, pruned, failed, cached));
    Path dir = ctx.scratchDir();
    Path csv = dir.resolve("trials.csv");
    Files.writeString(csv, Report.csv(space, all), StandardCharsets.UTF_8);
    Path json = dir.resolve("history.json");
    List<Object> trialsJson = new ArrayList<>();
    for (Trial t : all) {
      Map<String, Object> m = toMap(t);
      m.remove("millis"); // the run's, not the result's (see Report.csv): the history stays byte-reproducible
      m.remove("cached");
      trialsJson.add(m);
    }
    Map<String, Object> hist = new LinkedHashMap<>();
    hist.put("metric", metric);
    hist.put("direction", max ? "maximize" : "minimize");
    hist.put("sampler", p.sampler());
    hist.put("best-trial", best.number());
    hist.put("trials", trialsJson);
    Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(hist), StandardCharsets.UTF_8);
    Map<String, byte[]> plots = Plots.all(space, all, metric, max);
    Map<String, Object> plotArtifacts = new LinkedHashMap<>();
    for (var e : plots.entrySet()) {
      Path f = dir.resolve(e.getKey() + ".png");
      Files.write(f, e.getValue());
      plotArtifacts.put(e.getKey(), ctx.storeArtifact(f, "image/png"));
    }
    Path html = dir.resolve("report.html");
    Files.writeString(html, Report.html(p.trainer(), p.sampler(), metric, max, space, all, best, plots), StandardCharsets.UTF_8);
    return out.output("best", hp).output("best-params", named).output("best-value", best.value()).output("best-trial", (long) best.number())
        .output("metric", metric).output("completed", complete)
        .output("trials", ctx.storeArtifact(csv, "text/csv")).output("history", ctx.storeArtifact(json, "application/json"))
        .output("plots", plotArtifacts).output("report", ctx.storeArtifact(html, "text/html"))
        .metric("best-value", best.value()).metric("trials", all.size()).metric("complete", complete).metric("pruned", pruned).metric("failed", failed)
        .build();
  }

  static String toJson(Trial t) throws Exception {
    return JSON.writeValueAsString(toMap(t));
  }

  private static Map<String, Object> toMap(Trial t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("number", t.number());
    m.put("state", t.state().name());
    m.put("value", t.value());
    m.put("params", t.params());
    Map<String, Double> iv = new LinkedHashMap<>();
    t.intermediate().forEach((k, v) -> iv.put(String.valueOf(k), v));
    m.put("intermediate", iv);
    m.put("millis", t.millis());
    m.put("cached", t.cached());
    m.put("error", t.error());
    return m;
  }

  @SuppressWarnings("unchecked")
  static Trial fromJson(String s) throws Exception {
    Map<String, Object> m = JSON.readValue(s, Map.class);
    SortedMap<Long, Double> iv = new TreeMap<>();
    ((Map<String, Object>) m.get("intermediate")).forEach((k, v) -> iv.put(Long.parseLong(k), ((Number) v).doubleValue()));
    Object v = m.get("value");
    return new Trial(((Number) m.get("number")).intValue(), (Map<String, Object>) m.get("params"), Trial.State.valueOf((String) m.get("state")),
        v == null ? null : ((Number) v).doubleValue(), iv, ((Number) m.get("millis")).longValue(), Boolean.TRUE.equals(m.get("cached")), (String) m.get("error"));
  }
}
