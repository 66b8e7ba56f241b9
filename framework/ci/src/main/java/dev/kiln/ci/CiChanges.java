package dev.kiln.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kiln.api.StepType;
import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.spec.ParamSpec;
import dev.kiln.engine.spec.PipelineSpec;
import dev.kiln.engine.spec.StepSpec;
import dev.kiln.engine.yaml.ListNode;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ScalarNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which pipelines the changes since a base commit affect: the pipeline file; the files it reads
 * (paths in its steps' {@code with:} and in its params' defaults), their {@code .dvc} files and
 * their entries in {@code dvc.lock}; its section of {@code params.yaml}; the code of the plugins
 * whose step types it uses (and of the modules those depend on); and Kiln itself. Changes are
 * those between the merge base of {@code base} and HEAD, plus the working tree's (uncommitted and
 * untracked files), so the answer is the same in CI and on a laptop.
 */
public final class CiChanges {
  /** One pipeline: affected or not, and why. */
  public record Pipeline(String file, String name, boolean affected, List<String> reasons, List<String> reads, List<String> code) {}

  /** The whole answer, as {@code --json} prints it. */
  public record Report(String base, String mergeBase, List<String> changed, List<Pipeline> pipelines) {
    public List<Pipeline> affected() {
      return pipelines.stream().filter(Pipeline::affected).toList();
    }
  }

  public static final String PARAMS_FILE = "params.yaml";
  /** Modules whose code every pipeline runs on (the kiln command and what it is built from). */
  static final List<String> CORE = List.of("framework/api", "framework/engine", "framework/serve", "framework/ci", "framework/cli", "registry");
  private static final Pattern WHOLE_PARAM = Pattern.compile("\\$\\{\\{\\s*params\\.([A-Za-z_][A-Za-z0-9_-]*)\\s*}}");
  private static final Pattern ARTIFACT_ID = Pattern.compile("<artifactId>([^<]+)</artifactId>");

  private final Path root;
  private final String prefix;
  private final Git git;
  private final StepRegistry steps;
  /** Step type -> its module (empty when not one of this repository's), found once per step type. */
  private final Map<String, Optional<String>> moduleOfUses = new java.util.HashMap<>();

  public CiChanges(Path cwd, StepRegistry steps) {
    this.git = new Git(cwd);
    String top = git.run("rev-parse", "--show-toplevel").strip();
    this.root = Path.of(top);
    this.prefix = git.run("rev-parse", "--show-prefix").strip();
    this.steps = steps;
  }

  /** The project directory's files changed since {@code base} (project-relative, '/'-separated). */
  public Report analyse(String base, Map<Path, PipelineSpec> pipelines, Path cwd) {
    String baseCommit = git.tryRun("rev-parse", "--verify", "--quiet", base + "^{commit}").map(String::strip)
        .orElseThrow(() -> new CiProblem("--base " + base + ": no such commit here; fetch it first (git fetch origin " + base.replaceFirst("^origin/", "")
            + "; in GitHub Actions checkout with fetch-depth: 0)"));
    String mergeBase = git.tryRun("merge-base", baseCommit, "HEAD").map(String::strip).orElse(baseCommit);
    Set<String> changed = new TreeSet<>();
    for (String f : git.lines("diff", "--name-only", "--no-renames", mergeBase)) changed.add(f);
    for (String f : git.lines("ls-files", "--others", "--exclude-standard")) changed.add(f);
    List<String> projectChanged = new ArrayList<>();
    for (String f : changed) if (f.startsWith(prefix)) projectChanged.add(f.substring(prefix.length()));

    Map<String, String> modules = modules();
    Set<String> changedModules = new TreeSet<>();
    for (String f : changed) {
      for (String m : modules.values()) {
        if (f.equals(m + "/pom.xml") || f.startsWith(m + "/src/main/")) changedModules.add(m);
      }
    }
    boolean rootPom = changed.contains("pom.xml");
    Map<String, Set<String>> moduleDeps = moduleDependencies(modules);
    Set<String> dvcLockChanged = dvcLockChanges(mergeBase);
    String[] paramsText = atBaseAndNow(mergeBase, PARAMS_FILE);
    JsonNode paramsBefore = yaml(paramsText[0]);
    JsonNode paramsNow = yaml(paramsText[1]);

    List<Pipeline> out = new ArrayList<>();
    for (var e : pipelines.entrySet()) {
      String file = display(cwd, e.getKey()).replace('\\', '/');
      PipelineSpec spec = e.getValue();
      List<String> reasons = new ArrayList<>();
      if (projectChanged.contains(file)) reasons.add(file + " changed");
      for (String included : includedFiles(spec)) if (projectChanged.contains(included)) reasons.add(included + " changed (a sub-pipeline it includes)");
      Set<String> reads = reads(spec, cwd, projectChanged);
      for (String r : reads) {
        for (String f : projectChanged) {
          if (f.equals(r) || f.startsWith(r + "/")) reasons.add("reads " + r + ": " + f + " changed");
          else if (f.endsWith(".dvc") && (r.equals(f.substring(0, f.length() - 4)) || r.startsWith(f.substring(0, f.length() - 4) + "/"))) reasons.add("reads " + r + ": " + f + " changed");
        }
        for (String d : dvcLockChanged) if (r.equals(d) || r.startsWith(d + "/") || d.startsWith(r + "/")) reasons.add("reads " + r + ": its version in dvc.lock changed");
      }
      if (spec.name() != null && !paramsBefore.path(spec.name()).equals(paramsNow.path(spec.name()))) {
        reasons.add(PARAMS_FILE + ":" + spec.name() + " changed");
      }
      Set<String> code = new TreeSet<>();
      for (StepSpec s : spec.steps().values()) {
        String m = s.uses() == null ? null : moduleOf(s.uses(), modules);
        if (m != null) code.add(m);
      }
      Set<String> all = closure(code, moduleDeps);
      for (String m : all) if (changedModules.contains(m)) reasons.add("code of " + m + " changed (" + usesIn(spec, m, modules) + ")");
      for (String m : CORE) if (changedModules.contains(m) && !all.contains(m)) reasons.add("Kiln's " + m + " changed");
      if (rootPom) reasons.add("pom.xml changed (dependency versions)");
      out.add(new Pipeline(file, spec.name(), !reasons.isEmpty(), List.copyOf(new LinkedHashSet<>(reasons)), List.copyOf(reads), List.copyOf(all)));
    }
    return new Report(base, mergeBase, projectChanged, out);
  }

  /** Project files the pipeline names: scalar paths in with: (and whole ${{ params.x }} with x's default) that exist, or changed. */
  private static Set<String> reads(PipelineSpec spec, Path cwd, List<String> changed) {
    Set<String> candidates = new LinkedHashSet<>();
    for (StepSpec s : spec.steps().values()) {
      if (s.with() != null) collect(s.with(), spec.params(), candidates);
      for (List<Node> axis : s.matrix().values()) for (Node n : axis) collect(n, spec.params(), candidates);
    }
    for (ParamSpec p : spec.params().values()) if (p.defaultValue() instanceof String d) candidates.add(d);
    Set<String> out = new TreeSet<>();
    for (String c : candidates) {
      if (c.isBlank() || c.contains("://") || c.contains("${{") || c.startsWith("/") || c.contains("\n")) continue;
      String norm = cwd.resolve(c).normalize().startsWith(cwd) ? display(cwd, Path.of(c)).replace('\\', '/') : null;
      if (norm == null || norm.isEmpty()) continue;
      if (Files.exists(cwd.resolve(norm)) || changed.contains(norm) || changed.stream().anyMatch(f -> f.startsWith(norm + "/"))) out.add(norm);
    }
    return out;
  }

  private static void collect(Node n, Map<String, ParamSpec> params, Set<String> out) {
    if (n instanceof ScalarNode s && s.text() != null) {
      Matcher m = WHOLE_PARAM.matcher(s.text().strip());
      if (m.matches()) {
        ParamSpec p = params.get(m.group(1));
        if (p != null && p.defaultValue() instanceof String d) out.add(d);
      } else {
        out.add(s.text().strip());
      }
    } else if (n instanceof MapNode m) {
      for (MapNode.Entry e : m.entries().values()) collect(e.value(), params, out);
    } else if (n instanceof ListNode l) {
      for (Node i : l.items()) collect(i, params, out);
    }
  }

  /** Stage outputs (and dependencies) whose hash differs between dvc.lock at the merge base and now. */
  private Set<String> dvcLockChanges(String mergeBase) {
    String[] text = atBaseAndNow(mergeBase, "dvc.lock");
    Map<String, String> before = lockHashes(text[0]);
    Map<String, String> now = lockHashes(text[1]);
    Set<String> out = new TreeSet<>();
    Set<String> paths = new TreeSet<>(before.keySet());
    paths.addAll(now.keySet());
    for (String p : paths) if (!Objects.equals(before.get(p), now.get(p))) out.add(p);
    return out;
  }

  /** A project file's text at the merge base and in the working tree (null where it does not exist). */
  private String[] atBaseAndNow(String mergeBase, String file) {
    String before = git.tryRun("show", mergeBase + ":" + prefix + file).orElse(null);
    Path f = root.resolve(prefix).resolve(file);
    try {
      return new String[] {before, Files.exists(f) ? Files.readString(f) : null};
    } catch (IOException e) {
      throw new CiProblem(file + ": cannot read: " + e.getMessage());
    }
  }


  private static Map<String, String> lockHashes(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) return out;
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(text);
    } catch (IOException e) {
      throw new CiProblem("dvc.lock is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    root.path("stages").fields().forEachRemaining(stage -> {
      for (String kind : List.of("deps", "outs")) {
        for (JsonNode o : stage.getValue().path(kind)) {
          String path = o.path("path").asText(null);
          if (path == null) continue;
          String hash = o.has("md5") ? o.path("md5").asText() : o.path("hash").asText("") + o.path("etag").asText("");
          out.put(path.replaceAll("/+$", ""), hash);
        }
      }
    });
    return out;
  }

  /** params.yaml's text parsed (a missing node when there is none); invalid YAML is a usage problem. */
  public static JsonNode yaml(String text) {
    if (text == null || text.isBlank()) return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    try {
      JsonNode n = new YAMLMapper().readTree(text);
      return n == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : n;
    } catch (IOException e) {
      throw new CiProblem(PARAMS_FILE + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** artifactId -> module directory (repository-relative), for every module pom in the repository. */
  private Map<String, String> modules() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pom : git.lines("ls-files", "--cached", "--others", "--exclude-standard", "--", "pom.xml", "*/pom.xml")) {
      if (pom.equals("pom.xml")) continue;
      Optional<String> id = artifactId(root.resolve(pom));
      id.ifPresent(a -> out.put(a, pom.substring(0, pom.length() - "/pom.xml".length())));
    }
    return out;
  }

  private static Optional<String> artifactId(Path pom) {
    try {
      String text = Files.readString(pom);
      int parentEnd = text.indexOf("</parent>");
      Matcher m = ARTIFACT_ID.matcher(text);
      while (m.find()) if (m.start() > parentEnd) return Optional.of(m.group(1).strip());
    } catch (IOException e) {
      // not a module we can read
    }
    return Optional.empty();
  }

  /** module -> the modules (of this repository) its pom depends on. */
  private Map<String, Set<String>> moduleDependencies(Map<String, String> modules) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (var m : modules.entrySet()) {
      Set<String> deps = new TreeSet<>();
      try {
        String text = Files.readString(root.resolve(m.getValue()).resolve("pom.xml"));
        int deps0 = text.indexOf("<dependencies>");
        if (deps0 >= 0) {
          Matcher a = ARTIFACT_ID.matcher(text.substring(deps0));
          while (a.find()) if (modules.containsKey(a.group(1).strip())) deps.add(modules.get(a.group(1).strip()));
        }
      } catch (IOException e) {
        // no dependencies known
      }
      out.put(m.getValue(), deps);
    }
    return out;
  }

  private static Set<String> closure(Set<String> start, Map<String, Set<String>> deps) {
    Set<String> out = new TreeSet<>();
    List<String> todo = new ArrayList<>(start);
    while (!todo.isEmpty()) {
      String m = todo.remove(todo.size() - 1);
      if (out.add(m)) todo.addAll(deps.getOrDefault(m, Set.of()));
    }
    return out;
  }

  /**
   * The module whose classes provide step type {@code uses}, by the Maven artifact they were loaded
   * from: a module's {@code target/classes} (its pom names the artifact) or its jar.
   */
  private String moduleOf(String uses, Map<String, String> modules) {
    return moduleOfUses.computeIfAbsent(uses, u -> Optional.ofNullable(locateModule(u, modules))).orElse(null);
  }

  private String locateModule(String uses, Map<String, String> modules) {
    Optional<StepType<?>> t = steps.find(uses);
    if (t.isEmpty()) return null;
    var src = t.get().getClass().getProtectionDomain().getCodeSource();
    if (src == null) return null;
    Path loc;
    try {
      loc = Path.of(src.getLocation().toURI());
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return null;
    }
    if (Files.isDirectory(loc) && loc.getParent() != null && loc.getParent().getFileName() != null && loc.getParent().getFileName().toString().equals("target")) {
      return artifactId(loc.getParent().getParent().resolve("pom.xml")).map(modules::get).orElse(null);
    }
    String jar = loc.getFileName().toString();
    String best = null;
    for (String a : modules.keySet()) if (jar.startsWith(a + "-") && jar.endsWith(".jar") && (best == null || a.length() > best.length())) best = a;
    return best == null ? null : modules.get(best);
  }

  private String usesIn(PipelineSpec spec, String module, Map<String, String> modules) {
    Set<String> uses = new TreeSet<>();
    for (StepSpec s : spec.steps().values()) {
      String m = s.uses() == null ? null : moduleOf(s.uses(), modules);
      if (module.equals(m)) uses.add(s.uses());
    }
    return uses.isEmpty() ? "a dependency of its steps' plugins" : "uses " + String.join(", ", uses);
  }


  /** {@code file} relative to {@code cwd} where it is below it (as the CLI shows paths), else absolute. */
  static String display(Path cwd, Path file) {
    Path abs = cwd.resolve(file).normalize();
    try {
      return cwd.relativize(abs).toString();
    } catch (IllegalArgumentException e) {
      return abs.toString();
    }
  }

  /** The files a loaded (expanded) pipeline includes as sub-pipelines, as displayed (relative to the project). */
  static Set<String> includedFiles(PipelineSpec spec) {
    Set<String> out = new java.util.TreeSet<>();
    for (dev.kiln.engine.spec.StepSpec s : spec.steps().values()) {
      if (s.origin() == null) continue;
      out.add(s.origin().file());
      for (int i = 0; i < s.origin().includedFrom().size() - 1; i++) out.add(s.origin().includedFrom().get(i).file());
    }
    return out;
  }

  /**
   * Leaves out the pipelines that another one includes: a sub-pipeline is a library, retrained
   * through the pipelines that include it (which a change to it affects), not on its own.
   */
  public static void dropIncluded(Map<Path, PipelineSpec> specs, Path cwd) {
    Set<Path> included = new java.util.HashSet<>();
    for (PipelineSpec s : specs.values()) for (String f : includedFiles(s)) included.add(cwd.resolve(f).normalize());
    specs.keySet().removeIf(p -> included.contains(p.toAbsolutePath().normalize()));
  }
}
