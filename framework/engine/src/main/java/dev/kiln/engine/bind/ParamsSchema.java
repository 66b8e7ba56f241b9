package dev.kiln.engine.bind;

import dev.kiln.api.Param;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/** What a params record accepts, derived from its components and {@link Param} annotations. */
public record ParamsSchema(Class<? extends Record> type, List<Field> fields) {

  /** One YAML key of a step's {@code with:} block. */
  public record Field(String yamlName, RecordComponent component, Param param) {
    public boolean required() {
      return param != null && param.required();
    }

    public String description() {
      return param == null ? "" : param.value();
    }

    public Type genericType() {
      return component.getGenericType();
    }

    public String typeName() {
      return ParamsSchema.typeName(genericType());
    }
  }

  public static ParamsSchema of(Class<? extends Record> type) {
    List<Field> fields = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      fields.add(new Field(dev.kiln.api.StepType.yamlKey(c.getName()), c, c.getAnnotation(Param.class)));
    }
    return new ParamsSchema(type, List.copyOf(fields));
  }

  public List<String> names() {
    return fields.stream().map(Field::yamlName).toList();
  }

  /** The type as a user reads it: integer, number, string, list of string, ... */
  public static String typeName(Type t) {
    if (t instanceof ParameterizedType pt) {
      Class<?> raw = (Class<?>) pt.getRawType();
      Type[] args = pt.getActualTypeArguments();
      if (List.class.isAssignableFrom(raw)) return "list of " + typeName(args[0]);
      if (java.util.Map.class.isAssignableFrom(raw)) return "mapping of string -> " + typeName(args[1]);
      return raw.getSimpleName();
    }
    Class<?> c = (Class<?>) t;
    if (c == String.class) return "string";
    if (c == int.class || c == Integer.class || c == long.class || c == Long.class) return "integer";
    if (c == double.class || c == Double.class || c == float.class || c == Float.class) return "number";
    if (c == boolean.class || c == Boolean.class) return "boolean";
    if (c == java.time.Duration.class) return "duration";
    if (c == java.nio.file.Path.class) return "path";
    if (c == dev.kiln.api.Artifact.class) return "artifact";
    if (c.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object o : c.getEnumConstants()) names.add(enumName((Enum<?>) o));
      return "one of " + String.join(", ", names);
    }
    if (c.isRecord()) return "mapping";
    if (c == Object.class) return "any value";
    return c.getSimpleName();
  }

  public static String enumName(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
