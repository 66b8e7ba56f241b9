package dev.kiln.engine.exec;

import java.nio.file.Path;
import java.util.Map;

/**
 * How to run.
 *
 * @param projectDir where relative paths resolve (the directory Kiln was started in)
 * @param parallelism how many step instances run at once
 * @param useCache false for {@code --no-cache}: every step executes, and its result is cached
 * @param env the environment steps see and {@code env.X} / {@code secrets.X} read
 * @param keepScratch keep a failed step's scratch directory ({@code --keep-scratch}); a step's
 *     scratch is otherwise removed when it ends
 */
public record RunOptions(Path projectDir, int parallelism, boolean useCache, Map<String, String> env, boolean keepScratch) {
  public RunOptions {
    if (parallelism < 1) throw new IllegalArgumentException("parallelism must be >= 1, found " + parallelism);
    env = Map.copyOf(env);
  }

  public RunOptions(Path projectDir, int parallelism, boolean useCache, Map<String, String> env) {
    this(projectDir, parallelism, useCache, env, false);
  }

  public RunOptions withParallelism(int p) {
    return new RunOptions(projectDir, p, useCache, env, keepScratch);
  }

  public RunOptions withCache(boolean c) {
    return new RunOptions(projectDir, parallelism, c, env, keepScratch);
  }

  public RunOptions withKeepScratch(boolean k) {
    return new RunOptions(projectDir, parallelism, useCache, env, k);
  }
}
