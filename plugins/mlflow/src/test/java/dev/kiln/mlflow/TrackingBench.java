package dev.kiln.mlflow;

import dev.kiln.api.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mlflow.tracking.MlflowClient;

/**
 * bench/mlflow/run.sh: tracks a 100-trial sweep with 20 metrics per trial against a real MLflow
 * server, once through Kiln's outbox (batched, delivered in the background) and once the naive way
 * (one call per run, param, metric and tag, made on the run's thread). Prints the HTTP requests and
 * the wall time each adds to the run. Not a test: nothing is asserted.
 */
public final class TrackingBench {
  private TrackingBench() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    int trials = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int metrics = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int params = 6;
    Path home = Files.createTempDirectory("kiln-bench-home");

    // Kiln: what the engine does for a sweep step with trial children
    long t0 = System.nanoTime();
    Map<String, Object> runParams = Map.of("seed", 7);
    Tracker.RunTracker rt = new MlflowTracker().open(new Tracker.TrackedRun("bench-" + System.nanoTime(), "sweep", "p.yaml", "name: sweep\n", runParams,
        "bench-kiln", Map.of("mlflow.user", "bench"), System.currentTimeMillis(), false, home, home, Map.of("MLFLOW_TRACKING_URI", uri)));
    Tracker.TrackedStep step = new Tracker.TrackedStep("search", null, "kiln/tune", Map.of("trials", trials), Map.of(), Map.of(), System.currentTimeMillis());
    rt.stepStarted(step);
    for (int i = 0; i < trials; i++) {
      Tracker.TrackedStep trial = new Tracker.TrackedStep("search/trial-" + i, "search", "tribuo/train", trialParams(params, i), Map.of(), Map.of(), System.currentTimeMillis());
      rt.stepStarted(trial);
      List<Tracker.Metric> ms = new ArrayList<>();
      long now = System.currentTimeMillis();
      for (int m = 0; m < metrics; m++) ms.add(new Tracker.Metric("m" + m, Math.sin(i + m), m, now));
      rt.stepFinished(trial, new Tracker.StepOutcome("SUCCEEDED", null, now, null, ms, List.of()));
    }
    rt.stepFinished(step, new Tracker.StepOutcome("SUCCEEDED", null, System.currentTimeMillis(), null, List.of(), List.of()));
    rt.runFinished("SUCCEEDED", null, System.currentTimeMillis());
    long onRunThread = System.nanoTime() - t0;
    String line = rt.close(600_000);
    long delivered = System.nanoTime() - t0;
    long kilnRequests = Long.parseLong(line.replaceAll(".*, (\\d+) requests\\).*", "$1"));

    // naive: one call per value, on the run's thread
    MlflowClient c = new MlflowClient(uri);
    long requests = 0;
    long n0 = System.nanoTime();
    String exp = c.createExperiment("bench-naive"); // a fresh server: a lookup first would only add the client's 404 retries
    requests += 1;
    String parent = c.createRun(exp).getRunId();
    c.logParam(parent, "seed", "7");
    String stepRun = child(c, exp, parent);
    requests += 2 + 2;
    c.logParam(stepRun, "trials", String.valueOf(trials));
    requests++;
    for (int i = 0; i < trials; i++) {
      String tr = child(c, exp, stepRun);
      requests += 2;
      for (Map.Entry<String, Object> p : flat(trialParams(params, i)).entrySet()) {
        c.logParam(tr, p.getKey(), String.valueOf(p.getValue()));
        requests++;
      }
      long now = System.currentTimeMillis();
      for (int m = 0; m < metrics; m++) {
        c.logMetric(tr, "m" + m, Math.sin(i + m), now, m);
        requests++;
      }
      c.setTag(tr, "kiln.status", "SUCCEEDED");
      c.setTerminated(tr);
      requests += 2;
    }
    c.setTerminated(stepRun);
    c.setTerminated(parent);
    requests += 2;
    long naive = System.nanoTime() - n0;
    c.close();
    System.out.printf(Locale.ROOT, "| Kiln outbox (batched, background) | %d | %.3f | %.2f |%n", kilnRequests, onRunThread / 1e9, delivered / 1e9);
    System.out.printf(Locale.ROOT, "| naive, one call per value | %d | %.2f | %.2f |%n", requests, naive / 1e9, naive / 1e9);
  }

  private static String child(MlflowClient c, String exp, String parent) {
    String id = c.createRun(exp).getRunId();
    c.setTag(id, "mlflow.parentRunId", parent);
    return id;
  }

  private static Map<String, Object> trialParams(int n, int i) {
    Map<String, Object> hp = new LinkedHashMap<>();
    for (int k = 0; k < n - 1; k++) hp.put("h" + k, 0.1 * (i + k));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("algorithm", "xgboost");
    p.put("hyperparameters", hp);
    return p;
  }

  private static Map<String, Object> flat(Map<String, Object> p) {
    Map<String, String> out = new LinkedHashMap<>();
    MlflowTracker.flatten("", p, out);
    return new LinkedHashMap<>(out);
  }
}
