package dev.kiln.api;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;

/**
 * A plugin: a Guice module found through {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.kiln.api.KilnPlugin}). Its {@link #configure()} registers step
 * types with {@link #step}. Two plugins registering the same step type name fail at start-up, and
 * the error names both.
 */
public abstract class KilnPlugin extends AbstractModule {

  /** The plugin's name, the prefix of its step types (e.g. {@code tribuo}). */
  public abstract String pluginName();

  /** The plugin's version, shown by {@code kiln plugins}. */
  public String pluginVersion() {
    Package p = getClass().getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Registers a step type under its {@link StepType#name()}. */
  protected final void step(StepType<?> type) {
    if (!type.name().startsWith(pluginName() + "/")) {
      addError(
          "step type \"%s\" of plugin %s must be named \"%s/<name>\"",
          type.name(), pluginName(), pluginName());
    }
    // the source names the plugin, so a duplicate name's error says which plugins collide
    com.google.inject.Binder named = binder().withSource("plugin " + pluginName() + " (" + getClass().getName() + ")");
    stepBinder(named).addBinding(type.name()).toInstance(type);
  }

  /** Registers an experiment tracker (e.g. MLflow); a run is mirrored to every configured one. */
  protected final void tracker(Class<? extends Tracker> type) {
    trackerBinder(binder()).addBinding().to(type);
  }

  /** The set all trackers go into. */
  public static com.google.inject.multibindings.Multibinder<Tracker> trackerBinder(com.google.inject.Binder binder) {
    return com.google.inject.multibindings.Multibinder.newSetBinder(binder, Tracker.class);
  }

  /** Registers a data-versioning system (e.g. DVC) whose tracked files the engine resolves before steps read them. */
  protected final void dataVersioning(Class<? extends DataVersioning> type) {
    dataVersioningBinder(binder()).addBinding().to(type);
  }

  /** The set all data-versioning systems go into. */
  public static com.google.inject.multibindings.Multibinder<DataVersioning> dataVersioningBinder(com.google.inject.Binder binder) {
    return com.google.inject.multibindings.Multibinder.newSetBinder(binder, DataVersioning.class);
  }

  /** Registers a runtime that loads this plugin's models for {@code kiln serve}. */
  protected final void modelRuntime(Class<? extends ModelRuntime> type) {
    modelRuntimeBinder(binder()).addBinding().to(type);
  }

  /** The set all model runtimes go into. */
  public static com.google.inject.multibindings.Multibinder<ModelRuntime> modelRuntimeBinder(com.google.inject.Binder binder) {
    return com.google.inject.multibindings.Multibinder.newSetBinder(binder, ModelRuntime.class);
  }

  /** The one map all step types go into: step type name -> step type. */
  public static MapBinder<String, StepType<?>> stepBinder(com.google.inject.Binder binder) {
    return MapBinder.newMapBinder(binder, new TypeLiteral<String>() {}, new TypeLiteral<StepType<?>>() {});
  }
}
