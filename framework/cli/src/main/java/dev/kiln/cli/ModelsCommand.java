package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.Blessing;
import dev.kiln.registry.ModelRegistry;
import dev.kiln.registry.ModelVersion;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "models", mixinStandardHelpOptions = true,
    description = {"List registered models with their aliases; with NAME, its versions: lineage, blessing (and failed checks), aliases."})
final class ModelsCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "A registered model.")
  String name;

  @Option(names = "--json", description = "Print as JSON.")
  boolean json;

  @Spec CommandSpec spec;
  private final KilnHome home;

  @Inject
  ModelsCommand(KilnHome home) {
    this.home = home;
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    ModelRegistry reg = home.store().models();
    if (name != null) requireModel(reg, name);
    List<String> names = name == null ? reg.models() : List.of(name);
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    for (String m : names) all.add(node(reg, m));
    if (json) {
      out.println(Json.write(name == null ? all : all.get(0)));
      return 0;
    }
    if (names.isEmpty()) {
      out.println("no registered models yet; a kiln/register step in a pipeline registers one");
      return 0;
    }
    if (name == null) {
      out.println(String.format(Locale.ROOT, "%-24s %-9s %-8s %s", "MODEL", "VERSIONS", "LATEST", "ALIASES"));
      for (JsonNode n : all) {
        List<String> a = new ArrayList<>();
        n.path("aliases").fields().forEachRemaining(e -> a.add(e.getKey() + "=" + e.getValue().asInt()));
        JsonNode vs = n.path("versions");
        out.println(String.format(Locale.ROOT, "%-24s %-9d %-8s %s", n.path("name").asText(), vs.size(), vs.isEmpty() ? "" : vs.get(vs.size() - 1).path("version").asText(), String.join(" ", a)));
      }
      return 0;
    }
    JsonNode n = all.get(0);
    out.println(String.format(Locale.ROOT, "%-8s %-20s %-23s %-13s %-14s %s", "VERSION", "CREATED", "RUN", "COMMIT", "BLESSING", "ALIASES"));
    for (JsonNode v : n.path("versions")) {
      List<String> a = new ArrayList<>();
      v.path("aliases").forEach(x -> a.add(x.asText()));
      String commit = v.path("gitCommit").asText("");
      commit = commit.length() > 12 ? commit.substring(0, 12) + (commit.endsWith("-dirty") ? "*" : "") : commit;
      String b = v.path("blessing").isMissingNode() || v.path("blessing").isNull() ? "not validated" : v.path("blessing").path("blessed").asBoolean() ? "blessed" : "NOT blessed";
      out.println(String.format(Locale.ROOT, "%-8d %-20s %-23s %-13s %-14s %s", v.path("version").asInt(), Instant.ofEpochMilli(v.path("createdAt").asLong()).toString().replaceAll("\\.\\d+Z$", "Z"),
          v.path("run").asText(), commit, b, String.join(" ", a)));
      JsonNode checks = v.path("blessing").path("checks").path("checks");
      for (JsonNode c : checks) {
        if (c.path("status").asText().equals("failed")) {
          out.println("         failed " + c.path("name").asText() + (c.path("value").isNull() ? "" : " = " + num(c.path("value").asDouble()))
              + (c.path("expected").isNull() ? "" : " (" + c.path("expected").asText() + ")") + (c.path("detail").isNull() ? "" : ": " + c.path("detail").asText()));
        }
      }
    }
    return 0;
  }

  /** A usage error naming the registered models when {@code model} is not one. */
  static void requireModel(ModelRegistry reg, String model) {
    List<String> all = reg.models();
    if (!all.contains(model)) {
      throw new Errors.UsageProblem("no registered model named \"" + model + "\"" + (all.isEmpty() ? "; none yet: a kiln/register step registers one" : "; registered: " + String.join(", ", all)));
    }
  }

  static ObjectNode node(ModelRegistry reg, String model) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("name", model);
    Map<String, Integer> aliases = reg.aliases(model);
    ObjectNode a = n.putObject("aliases");
    aliases.forEach(a::put);
    ArrayNode vs = n.putArray("versions");
    for (ModelVersion v : reg.versions(model)) {
      ObjectNode o = vs.addObject();
      o.put("version", v.version());
      o.put("artifact", v.artifactSha256());
      o.put("uri", "models:/" + model + "/" + v.version());
      o.put("run", v.runId());
      o.put("step", v.stepKey());
      o.put("pipeline", v.pipeline());
      o.put("gitCommit", v.gitCommit());
      o.set("data", Json.read(v.dataJson()));
      o.set("metrics", Json.read(v.metricsJson()));
      o.put("description", v.description());
      o.put("createdBy", v.createdBy());
      o.put("createdAt", v.createdAt());
      o.put("mirrorVersion", v.mirrorVersion());
      ArrayNode al = o.putArray("aliases");
      aliases.forEach((k, x) -> {
        if (x == v.version()) al.add(k);
      });
      Optional<Blessing> b = reg.blessing(model, v.artifactSha256());
      if (b.isPresent()) {
        ObjectNode bn = o.putObject("blessing");
        bn.put("blessed", b.get().blessed());
        bn.put("run", b.get().runId());
        bn.put("step", b.get().stepKey());
        bn.put("at", b.get().createdAt());
        if (b.get().championVersion() != null) bn.put("championVersion", b.get().championVersion());
        bn.set("checks", Json.read(b.get().checksJson()));
      } else {
        o.putNull("blessing");
      }
    }
    return n;
  }

  /** Numbers as the validate step prints them. */
  static String num(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
