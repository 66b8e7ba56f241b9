package dev.kiln.cli;

import dev.kiln.engine.Engine;
import dev.kiln.engine.diag.InvalidInputException;
import dev.kiln.engine.diag.Problem;
import dev.kiln.ci.CiProblem;
import dev.kiln.registry.StoreException;
import dev.kiln.serve.ServeProblem;
import picocli.CommandLine;

/** Turns exceptions into messages and exit codes; a stack trace only with {@code --debug}. */
final class Errors implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    var err = cl.getErr();
    boolean debug = parsed != null && (parsed.hasMatchedOption("--debug") || (parsed.commandSpec().root().userObject() instanceof KilnCommand k && k.debug));
    if (e instanceof Injection.PluginConflict c) {
      for (String m : c.messages) err.println("kiln: error: plugins: " + m);
      err.println("  hint: remove one of the plugins that register the same step type, or rename it");
      return 2;
    }
    if (e instanceof InvalidInputException iie) {
      report(err, iie);
      return 2;
    }
    if (e instanceof Engine.ResumeRefused || e instanceof UsageProblem || e instanceof ServeProblem || e instanceof CiProblem) {
      err.println("kiln: error: " + e.getMessage());
      return 2;
    }
    if (e instanceof dev.kiln.registry.PromotionRefused r) {
      err.println("kiln: error: " + r.getMessage());
      if (r.hint() != null) err.println("  hint: " + r.hint());
      return 2;
    }
    if (diskFull(e)) {
      err.println("kiln: error: no space left on the disk: " + e.getMessage());
      err.println("  hint: free space where KILN_HOME lives (df -h), then run the command again; a run cut off by it can be resumed with `kiln resume RUN`");
      if (debug) e.printStackTrace(err);
      return 1;
    }
    if (e instanceof StoreException.Damaged d) {
      err.println("kiln: error: " + d.getMessage());
      err.println("  hint: " + d.hint());
      if (debug) e.printStackTrace(err);
      return 2;
    }
    if (e instanceof StoreException) {
      err.println("kiln: error: " + e.getMessage());
      if (debug) e.printStackTrace(err);
      else err.println("  hint: check KILN_HOME / KILN_DB_URL; run with --debug for details");
      return 1;
    }
    err.println("kiln: internal error: " + e);
    if (debug) e.printStackTrace(err);
    else err.println("  hint: run again with --debug for the stack trace, and report it");
    return 1;
  }

  /** True when the disk ran full somewhere below {@code e} (H2 and the JDK both say so in the message). */
  static boolean diskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("No space left on device")) return true;
    }
    return false;
  }

  static void report(java.io.PrintWriter err, InvalidInputException e) {
    int errors = print(err, e.problems());
    err.println(summary(errors, e.problems().size() - errors));
  }

  /** Prints problems in order; returns how many are errors (the rest are warnings). */
  static int print(java.io.PrintWriter err, java.util.List<Problem> problems) {
    int errors = 0;
    for (Problem p : problems) {
      err.println(p.format());
      if (p.isError()) errors++;
    }
    return errors;
  }

  static String summary(int errors, int warnings) {
    return errors + (errors == 1 ? " error" : " errors") + ", " + warnings + (warnings == 1 ? " warning" : " warnings");
  }

  /** A command-line argument that is wrong; exit 2. */
  static final class UsageProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageProblem(String message) {
      super(message);
    }
  }
}
