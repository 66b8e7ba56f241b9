// Engine overhead with no-op steps. Run through bench/run.sh (it builds the classpath).
//   java -cp <kiln-cli.jar:lib/*> bench/EngineOverhead.java [reps] [sizes, e.g. 10,100,1000]
// Prints one line per case: shape, steps, kind, time to load+validate+plan, wall time of the run,
// per-step overhead, and the time of an all-cached re-run. Each case runs in a fresh KILN_HOME.
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.kiln.api.KilnPlugin;
import dev.kiln.engine.Engine;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.builtin.BuiltinPlugin;
import dev.kiln.engine.exec.RunListener;
import dev.kiln.engine.exec.RunOptions;
import dev.kiln.engine.exec.RunOutcome;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.registry.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

public class EngineOverhead {
  public static void main(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    List<Integer> sizes = args.length > 1 ? java.util.Arrays.stream(args[1].split(",")).map(Integer::valueOf).toList() : List.of(10, 100, 1000);
    // the engine takes the trackers and data-versioning systems as sets, as the CLI's injector has them (empty here: no plugins)
    Engine engine = Guice.createInjector(new BuiltinPlugin(), new AbstractModule() {
      @Override
      protected void configure() {
        KilnPlugin.trackerBinder(binder());
        KilnPlugin.dataVersioningBinder(binder());
        KilnPlugin.modelRuntimeBinder(binder());
      }
    }).getInstance(Engine.class);
    Path tmp = Files.createTempDirectory("kiln-bench");
    // warm-up: JIT and class loading, not measured
    int warm = sizes.get(sizes.size() - 1) >= 100 ? 100 : sizes.get(0);
    for (int i = 0; i < Math.min(3, reps); i++) measure(engine, tmp, "chain", warm, "values");
    System.out.println("shape  steps  kind     plan_ms  run_ms  per_step_ms  cached_run_ms  per_step_cached_ms");
    for (String kind : List.of("values", "command")) {
      for (String shape : List.of("chain", "fan")) {
        for (int n : sizes) {
          List<double[]> results = new ArrayList<>();
          for (int r = 0; r < reps; r++) results.add(measure(engine, tmp, shape, n, kind));
          results.sort(Comparator.comparingDouble(x -> x[1]));
          double[] m = results.get(results.size() / 2); // the median by run time
          System.out.printf("%-6s %5d  %-7s %8.1f %7.1f %12.3f %14.1f %19.3f%n", shape, n, kind, m[0], m[1], m[1] / n, m[2], m[2] / n);
        }
      }
    }
    try (var files = Files.walk(tmp)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  static String yaml(String shape, int n, String kind) {
    StringBuilder sb = new StringBuilder("name: bench\nsteps:\n");
    for (int i = 0; i < n; i++) {
      String prev = shape.equals("chain") && i > 0 ? "s" + (i - 1) : null;
      sb.append("  s").append(i).append(":\n");
      if (kind.equals("values")) {
        sb.append("    uses: kiln/values\n    with:\n      values: {i: ").append(i);
        if (prev != null) sb.append(", prev: '${{ steps.").append(prev).append(".outputs.i }}'");
        sb.append("}\n");
      } else {
        sb.append("    uses: kiln/command\n    with:\n      argv: [true, '").append(i).append("'");
        if (prev != null) sb.append(", '${{ steps.").append(prev).append(".outputs.exit-code }}'");
        sb.append("]\n");
      }
    }
    return sb.toString();
  }

  /** {plan ms, run ms, cached re-run ms} */
  static double[] measure(Engine engine, Path tmp, String shape, int n, String kind) throws Exception {
    Path dir = Files.createTempDirectory(tmp, shape + n);
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, yaml(shape, n, kind));
    KilnHome home = new KilnHome(dir.resolve(".kiln"), Map.of());
    home.store(); // open and migrate the database outside the measurement
    RunOptions options = new RunOptions(dir, Runtime.getRuntime().availableProcessors(), true, System.getenv());
    long t0 = System.nanoTime();
    ExecutionPlan plan = engine.plan(file, "p.yaml", Map.of(), w -> {});
    long t1 = System.nanoTime();
    RunOutcome o = engine.run(plan, home, options, RunListener.NONE, e -> {});
    long t2 = System.nanoTime();
    if (o.status() != RunStatus.SUCCEEDED) throw new IllegalStateException(o.error());
    ExecutionPlan again = engine.plan(file, "p.yaml", Map.of(), w -> {});
    long t3 = System.nanoTime();
    RunOutcome cached = engine.run(again, home, options, RunListener.NONE, e -> {});
    long t4 = System.nanoTime();
    if (!cached.steps().stream().allMatch(s -> s.status() == RunStatus.CACHED)) throw new IllegalStateException("re-run was not all cached");
    home.close();
    return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t4 - t3) / 1e6};
  }
}
