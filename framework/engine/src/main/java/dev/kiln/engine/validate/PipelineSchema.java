package dev.kiln.engine.validate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.Param;
import dev.kiln.api.StepType;
import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.bind.ParamsSchema;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12) of the pipeline format with every installed step's params, for
 * editors. Every typed value also accepts an expression string, as the engine does. It is derived
 * from the same {@link ParamsSchema} the binder uses, so the two cannot disagree.
 */
public final class PipelineSchema {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String EXPR = ".*\\$\\{\\{.*\\}\\}.*";

  private PipelineSchema() {}

  public static ObjectNode of(StepRegistry registry) {
    ObjectNode root = F.objectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.put("$id", "https://kiln.dev/schema/pipeline-v1.json");
    root.put("title", "Kiln pipeline");
    root.put("type", "object");
    root.put("additionalProperties", false);
    root.putArray("required").add("name").add("steps");
    ObjectNode props = root.putObject("properties");
    props.putObject("name").put("type", "string").put("pattern", "^[a-z][a-z0-9_-]{0,62}$");
    props.putObject("description").put("type", "string");
    ObjectNode params = props.putObject("params");
    params.put("type", "object");
    ObjectNode decl = F.objectNode();
    decl.put("type", "object");
    decl.put("additionalProperties", false);
    ObjectNode dp = decl.putObject("properties");
    ArrayNode types = dp.putObject("type").putArray("enum");
    for (String t : List.of("string", "int", "float", "bool", "list", "map")) types.add(t);
    dp.putObject("default");
    dp.putObject("min").put("type", "number");
    dp.putObject("max").put("type", "number");
    dp.putObject("choices").put("type", "array");
    dp.putObject("description").put("type", "string");
    ArrayNode anyParam = params.putObject("additionalProperties").putArray("anyOf");
    anyParam.addObject().putArray("type").add("string").add("number").add("boolean").add("array");
    anyParam.add(decl);
    props.putObject("env").put("type", "object").putObject("additionalProperties").putArray("type").add("string").add("number").add("boolean");
    ObjectNode tracking = props.putObject("tracking");
    tracking.put("type", "object");
    tracking.put("additionalProperties", false);
    tracking.putObject("properties").putObject("experiment").put("type", "string").put("minLength", 1);
    ((ObjectNode) tracking.get("properties")).putObject("tags").put("type", "object").putObject("additionalProperties").putArray("type").add("string").add("number").add("boolean");
    props.putObject("outputs").put("type", "object").putObject("additionalProperties").putArray("type").add("string").add("number").add("boolean");
    ObjectNode steps = props.putObject("steps");
    steps.put("type", "object");
    steps.put("minProperties", 1);
    steps.putObject("propertyNames").put("pattern", "^[a-z][a-z0-9_-]{0,62}$");
    ObjectNode step = steps.putObject("additionalProperties");
    step.put("type", "object");
    step.put("additionalProperties", false);
    step.putArray("required").add("uses");
    ObjectNode sp = step.putObject("properties");
    ArrayNode usesAny = sp.putObject("uses").putArray("anyOf");
    ArrayNode uses = usesAny.addObject().putArray("enum");
    registry.all().keySet().forEach(uses::add);
    // a sub-pipeline: another pipeline file, relative to the including one
    usesAny.addObject().put("type", "string").put("pattern", "^\\.\\.?/.*\\.ya?ml$");
    sp.putObject("name").put("type", "string");
    sp.putObject("description").put("type", "string");
    sp.putObject("with").put("type", "object");
    ArrayNode needs = sp.putObject("needs").putArray("anyOf");
    needs.addObject().put("type", "string");
    needs.addObject().put("type", "array").putObject("items").put("type", "string");
    ArrayNode cond = sp.putObject("if").putArray("anyOf");
    cond.addObject().put("type", "boolean");
    cond.addObject().put("type", "string").put("pattern", EXPR);
    ArrayNode retry = sp.putObject("retry").putArray("anyOf");
    retry.addObject().put("type", "integer").put("minimum", 1).put("maximum", 100);
    ObjectNode rm = retry.addObject().put("type", "object").put("additionalProperties", false);
    ObjectNode rp = rm.putObject("properties");
    rp.putObject("attempts").put("type", "integer").put("minimum", 1).put("maximum", 100);
    rp.set("backoff", duration());
    rp.putObject("factor").put("type", "number").put("minimum", 1).put("maximum", 10);
    sp.set("timeout", duration());
    sp.putObject("cache").put("type", "boolean");
    sp.putObject("matrix").put("type", "object").put("minProperties", 1).putObject("additionalProperties").put("type", "array").put("minItems", 1);
    sp.putObject("for-each").put("type", "string").put("pattern", "^\\s*\\$\\{\\{.*\\}\\}\\s*$").put("description", "one instance per item of a list a step computes, e.g. ${{ steps.list.outputs.items }}");
    sp.putObject("max-parallel").put("type", "integer").put("minimum", 1).put("maximum", 10000);
    sp.putObject("env").put("type", "object");
    // per step type: `with` must match its params
    ArrayNode allOf = step.putArray("allOf");
    for (Map.Entry<String, StepType<?>> e : registry.all().entrySet()) {
      ObjectNode rule = allOf.addObject();
      rule.putObject("if").putObject("properties").putObject("uses").put("const", e.getKey());
      rule.putObject("then").putObject("properties").set("with", paramsSchema(e.getValue().paramsType()));
    }
    return root;
  }

  private static ObjectNode duration() {
    ObjectNode d = F.objectNode();
    ArrayNode any = d.putArray("anyOf");
    any.addObject().put("type", "integer").put("minimum", 1);
    any.addObject().put("type", "string").put("pattern", "^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$");
    return d;
  }

  static ObjectNode paramsSchema(Class<? extends Record> type) {
    ParamsSchema s = ParamsSchema.of(type);
    ObjectNode o = F.objectNode();
    o.put("type", "object");
    o.put("additionalProperties", false);
    ObjectNode props = o.putObject("properties");
    ArrayNode required = F.arrayNode();
    for (ParamsSchema.Field f : s.fields()) {
      ObjectNode fs = withExpression(typeSchema(f.genericType(), f.param()));
      if (!f.description().isEmpty()) fs.put("description", f.description());
      props.set(f.yamlName(), fs);
      if (f.required()) required.add(f.yamlName());
    }
    if (!required.isEmpty()) o.set("required", required);
    return o;
  }

  private static ObjectNode withExpression(ObjectNode typed) {
    ObjectNode any = F.objectNode();
    ArrayNode a = any.putArray("anyOf");
    a.add(typed);
    a.addObject().put("type", "string").put("pattern", EXPR);
    return any;
  }

  @SuppressWarnings("unchecked")
  private static ObjectNode typeSchema(Type t, Param p) {
    ObjectNode o = F.objectNode();
    Class<?> raw = t instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : (Class<?>) t;
    if (List.class.isAssignableFrom(raw)) {
      o.put("type", "array");
      o.set("items", withExpression(typeSchema(((ParameterizedType) t).getActualTypeArguments()[0], null)));
      if (p != null && !Double.isInfinite(p.min())) o.put("minItems", (long) p.min());
      if (p != null && !Double.isInfinite(p.max())) o.put("maxItems", (long) p.max());
    } else if (Map.class.isAssignableFrom(raw)) {
      o.put("type", "object");
      o.set("additionalProperties", withExpression(typeSchema(((ParameterizedType) t).getActualTypeArguments()[1], null)));
    } else if (raw.isRecord() && raw != dev.kiln.api.Artifact.class) {
      return paramsSchema((Class<? extends Record>) raw);
    } else if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
      o.put("type", "integer");
      range(o, p);
    } else if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
      o.put("type", "number");
      range(o, p);
    } else if (raw == boolean.class || raw == Boolean.class) {
      o.put("type", "boolean");
    } else if (raw == java.time.Duration.class) {
      return duration();
    } else if (raw.isEnum()) {
      ArrayNode e = o.putArray("enum");
      for (Object c : raw.getEnumConstants()) e.add(ParamsSchema.enumName((Enum<?>) c));
    } else if (raw == Object.class) {
      return o; // anything
    } else {
      o.putArray("type").add("string").add("number").add("boolean");
    }
    return o;
  }

  private static void range(ObjectNode o, Param p) {
    if (p == null) return;
    if (!Double.isInfinite(p.min())) o.put("minimum", p.min());
    if (!Double.isInfinite(p.max())) o.put("maximum", p.max());
  }
}
