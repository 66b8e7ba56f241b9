package dev.kiln.cli;

import dev.kiln.engine.home.KilnHome;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Creates the command objects picocli asks for. picocli creates every subcommand before it parses
 * the arguments, so building the plugins' Guice injector here made every command (even {@code
 * --version}) pay for loading every plugin. Instead, a command's {@code @Inject} constructor gets
 * {@link KilnHome} and the {@code @Named("cwd")} directory directly, and a {@code Provider<T>}
 * parameter that reaches the injector only when the command calls it; the injector is built on
 * the first such call. Any other parameter, and a class with {@code @Inject} fields or methods,
 * is resolved through the injector at once, as before.
 */
final class CommandFactory implements CommandLine.IFactory {
  private final KilnHome home;
  private final Path cwd;
  private final Supplier<com.google.inject.Injector> build;
  private com.google.inject.Injector injector;

  CommandFactory(KilnHome home, Path cwd, Supplier<com.google.inject.Injector> build) {
    this.home = home;
    this.cwd = cwd;
    this.build = build;
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    if (hasInjectedMembers(cls)) return Injection.instance(injector(), cls);
    Constructor<?> ctor = injectConstructor(cls);
    if (ctor == null) return CommandLine.defaultFactory().create(cls);
    Type[] types = ctor.getGenericParameterTypes();
    Annotation[][] annotations = ctor.getParameterAnnotations();
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) args[i] = argument(types[i], named(annotations[i]));
    ctor.setAccessible(true);
    try {
      return cls.cast(ctor.newInstance(args));
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  private Object argument(Type type, Named named) {
    if (type == KilnHome.class && named == null) return home;
    if (type == Path.class && named != null && named.value().equals("cwd")) return cwd;
    if (type instanceof ParameterizedType p && p.getRawType() == Provider.class) {
      Type of = p.getActualTypeArguments()[0];
      return (Provider<Object>) () -> Injection.instance(injector(), of, named);
    }
    return Injection.instance(injector(), type, named);
  }

  /** The plugins' injector, built on first use; two plugins claiming one step type end here. */
  synchronized com.google.inject.Injector injector() {
    if (injector == null) injector = Injection.build(build);
    return injector;
  }

  private static Constructor<?> injectConstructor(Class<?> cls) {
    for (Constructor<?> c : cls.getDeclaredConstructors()) {
      if (c.isAnnotationPresent(Inject.class)) return c;
    }
    return null;
  }

  private static boolean hasInjectedMembers(Class<?> cls) {
    for (Class<?> c = cls; c != null && c != Object.class; c = c.getSuperclass()) {
      for (AccessibleObject m : c.getDeclaredFields()) if (m.isAnnotationPresent(Inject.class)) return true;
      for (AccessibleObject m : c.getDeclaredMethods()) if (m.isAnnotationPresent(Inject.class)) return true;
    }
    return false;
  }

  private static Named named(Annotation[] annotations) {
    for (Annotation a : annotations) if (a instanceof Named n) return n;
    return null;
  }
}
