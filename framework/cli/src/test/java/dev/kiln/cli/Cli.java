package dev.kiln.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in-process, as if started in {@code cwd}, and captures what it prints. */
record Cli(Path cwd, Map<String, String> env) {
  record Result(int exit, String out, String err) {}

  static Cli in(Path cwd) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("KILN_HOME", cwd.resolve(".kiln").toString());
    env.remove("KILN_DB_URL");
    env.put("CI", "true"); // plain progress lines
    return new Cli(cwd, env);
  }

  Cli with(String key, String value) {
    Map<String, String> e = new HashMap<>(env);
    e.put(key, value);
    return new Cli(cwd, e);
  }

  /** This environment without {@code key} (e.g. credentials the machine running the tests has set). */
  Cli without(String key) {
    Map<String, String> e = new HashMap<>(env);
    e.remove(key);
    return new Cli(cwd, e);
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), cwd, env);
    return new Result(exit, out.toString(), err.toString());
  }
}
