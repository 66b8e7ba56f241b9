package dev.kiln.tribuo;

import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.StepContext;
import dev.kiln.tribuo.data.DatasetFile;
import dev.kiln.tribuo.data.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** What every Tribuo step does the same way. */
final class Steps {
  private Steps() {}

  /** The name to show for an artifact in messages: the file it came from, or its hash. */
  static String shown(Artifact a) {
    return a.name() != null && !a.name().isEmpty() ? a.name() : "artifact " + a.sha256().substring(0, 12);
  }

  static Table dataset(StepContext ctx, Artifact a) throws IOException, InvalidInput {
    return DatasetFile.read(ctx.open(a), shown(a));
  }

  static Artifact store(StepContext ctx, String fileName, byte[] bytes, String mediaType) throws IOException {
    Path p = ctx.scratchDir().resolve(fileName);
    Files.write(p, bytes);
    return ctx.storeArtifact(p, mediaType);
  }

  static Artifact storeJson(StepContext ctx, String fileName, Object value) throws IOException {
    return store(ctx, fileName, DatasetFile.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(value), "application/json");
  }

  // --- Tribuo's java.util.logging output goes to the step's log, not the terminal ---

  private static final Logger TRIBUO = Logger.getLogger("org.tribuo"); // strong reference: j.u.l. holds loggers weakly
  private static final Logger OLCUT = Logger.getLogger("com.oracle.labs.mlrg.olcut");
  private static final ThreadLocal<StepContext> CURRENT = new ThreadLocal<>();
  private static final ThreadLocal<java.util.function.Consumer<String>> LISTENER = new ThreadLocal<>();

  static {
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        StepContext ctx = CURRENT.get();
        String msg = r.getMessage();
        if (r.getParameters() != null && r.getParameters().length > 0) {
          try {
            msg = java.text.MessageFormat.format(msg, r.getParameters());
          } catch (IllegalArgumentException ignored) {
            // keep the raw message
          }
        }
        var l = LISTENER.get();
        if (l != null && msg != null) l.accept(msg);
        if (ctx != null && r.getLevel().intValue() >= Level.INFO.intValue()) ctx.log("tribuo: " + msg);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    libsvm.svm.svm_set_print_string_function(s -> {}); // LibSVM prints its progress to stdout otherwise
    for (Logger l : new Logger[] {TRIBUO, OLCUT}) {
      l.setUseParentHandlers(false);
      l.addHandler(h);
    }
  }

  /** Routes Tribuo's log records on this thread to {@code ctx} (and {@code listener}) until closed. */
  static AutoCloseable capture(StepContext ctx, java.util.function.Consumer<String> listener) {
    CURRENT.set(ctx);
    LISTENER.set(listener);
    return () -> {
      CURRENT.remove();
      LISTENER.remove();
    };
  }
}
