package dev.kiln.cli;

import com.google.inject.CreationException;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.spi.Message;
import jakarta.inject.Named;
import java.lang.reflect.Type;
import java.util.List;
import java.util.function.Supplier;

/** Guice behind {@link CommandFactory}, apart so that commands that need no plugin load no Guice class. */
final class Injection {
  private Injection() {}

  static Injector build(Supplier<Injector> build) {
    try {
      return build.get();
    } catch (CreationException e) {
      throw new PluginConflict(e.getErrorMessages().stream().map(Message::getMessage).map(m -> m.replaceAll("\\s+", " ")).toList(), e);
    }
  }

  static <K> K instance(Injector injector, Class<K> cls) {
    return injector.getInstance(cls);
  }

  static Object instance(Injector injector, Type type, Named named) {
    Key<?> key = named == null ? Key.get(type) : Key.get(type, named);
    return injector.getInstance(key);
  }

  /** The plugins could not be put together (e.g. two register one step type); exit code 2. */
  static final class PluginConflict extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final List<String> messages;

    PluginConflict(List<String> messages, Throwable cause) {
      super(String.join("; ", messages), cause);
      this.messages = messages;
    }
  }
}
