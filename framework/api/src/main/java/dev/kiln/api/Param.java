package dev.kiln.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents and constrains one component of a step's params record. Checked by {@code kiln
 * validate} before anything runs, and again when the step's params are bound.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface Param {
  /** One line for {@code kiln plugins} and the JSON Schema. */
  String value() default "";

  /** The step cannot run without it. */
  boolean required() default false;

  /** Inclusive lower bound for numbers (and for the size of lists and strings). */
  double min() default Double.NEGATIVE_INFINITY;

  /** Inclusive upper bound for numbers (and for the size of lists and strings). */
  double max() default Double.POSITIVE_INFINITY;

  /** The default, as YAML text; documentation only, the record applies it. */
  String defaultValue() default "";

  /**
   * The value is a shell script. Expressions in it never become shell text: each reaches the
   * script as an environment variable ({@code KILN_EXPR_1}, ...) that the step's process must get
   * from {@link StepContext#env()}, and the script refers to it, quoted to fit where it stands.
   */
  boolean shell() default false;
}
