package dev.kiln.ci;

import static com.lesfurets.jenkins.unit.MethodSignature.method;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lesfurets.jenkins.unit.BasePipelineTest;
import com.lesfurets.jenkins.unit.MethodCall;
import groovy.lang.Closure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The repository's Jenkinsfile, run by jenkins-pipeline-unit with Jenkins' steps mocked: main
 * with a blessed candidate promotes; a feature branch never does; a failed retrain stops before
 * promotion; an unchanged build skips retraining; credentials never reach a command line or log.
 */
class JenkinsfileTest {
  static final String SECRET = "hunter2-Pa55word";

  /** The Jenkins side: environment, what the kiln commands answer, and what was run. */
  public static final class Jenkins extends BasePipelineTest {
    final Map<String, Object> env = new LinkedHashMap<>();
    final List<String> commands = new ArrayList<>();
    final List<String> credentialIds = new ArrayList<>();
    String affected = "pipelines/churn.yaml\n";
    String blessed = "churn:3\n";
    boolean retrainFails;
    boolean kilnCiRan;

    void start() throws Exception {
      setScriptRoots(new String[] {"../.."});
      setScriptExtension("");
      setUp();
      getBinding().setVariable("env", env);
      getBinding().setVariable("scm", Map.of("type", "git"));
      allow("sh", String.class, a -> sh(String.valueOf(a[0]), false));
      allow("sh", Map.class, a -> {
        Map<?, ?> m = (Map<?, ?>) a[0];
        return sh(String.valueOf(m.get("script")), Boolean.TRUE.equals(m.get("returnStdout")));
      });
      allow("checkout", Map.class, a -> null);
      allow("readFile", String.class, a -> String.valueOf(a[0]).equals("kiln-ci/blessed.txt") ? blessed : "");
      allow("fileExists", String.class, a -> a[0].toString().startsWith("kiln-ci/") && kilnCiRan);
      allow("junit", Map.class, a -> null);
      allow("archiveArtifacts", Map.class, a -> null);
      allow("input", Map.class, a -> null);
      allow("usernamePassword", Map.class, a -> a[0]);
      allow("string", Map.class, a -> a[0]);
      allowWithClosure("withEnv", List.class, (list, body) -> {
        Map<String, Object> saved = new HashMap<>(env);
        for (Object kv : (List<?>) list) {
          String s = kv.toString();
          env.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        }
        try {
          return body.call();
        } finally {
          env.clear();
          env.putAll(saved);
        }
      });
      // as Jenkins does: the secret values are in the environment only inside the block
      allowWithClosure("withCredentials", List.class, (list, body) -> {
        Map<String, Object> saved = new HashMap<>(env);
        for (Object c : (List<?>) list) {
          Map<?, ?> m = (Map<?, ?>) c;
          credentialIds.add(String.valueOf(m.get("credentialsId")));
          for (Object var : List.of("usernameVariable", "passwordVariable", "variable")) {
            if (m.get(var) != null) env.put(String.valueOf(m.get(var)), var.equals("usernameVariable") ? "kiln-bot" : SECRET);
          }
        }
        try {
          return body.call();
        } finally {
          env.clear();
          env.putAll(saved);
        }
      });
    }

    private Object sh(String script, boolean stdout) {
      commands.add(script);
      if (script.contains("kiln ci changed")) return affected;
      if (script.contains("kiln ci retrain")) {
        kilnCiRan = true;
        if (retrainFails) throw new IllegalStateException("script returned exit code 1");
      }
      return stdout ? "" : null;
    }

    private void allow(String name, Class<?> arg, Function<Object[], Object> f) {
      getHelper().registerAllowedMethod(method(name, arg), new Fn(this, f));
    }

    private void allowWithClosure(String name, Class<?> arg, java.util.function.BiFunction<Object, Closure<?>, Object> f) {
      getHelper().registerAllowedMethod(method(name, arg, Closure.class), new Fn(this, a -> f.apply(a[0], (Closure<?>) a[1])));
    }

    void run() {
      runScript("Jenkinsfile");
    }

    List<String> calls(String name) {
      List<String> out = new ArrayList<>();
      for (MethodCall c : getHelper().getCallStack()) if (c.getMethodName().equals(name)) out.add(c.argsToString());
      return out;
    }

    List<String> everything() {
      List<String> out = new ArrayList<>();
      for (MethodCall c : getHelper().getCallStack()) out.add(c.getMethodName() + "(" + c.argsToString() + ")");
      return out;
    }
  }

  /** A Groovy closure over a Java function of its arguments. */
  public static final class Fn extends Closure<Object> {
    private final transient Function<Object[], Object> f;

    Fn(Object owner, Function<Object[], Object> f) {
      super(owner);
      this.f = f;
    }

    public Object doCall(Object... args) {
      return f.apply(args);
    }
  }

  Jenkins jenkins;

  @BeforeEach
  void jenkins() throws Exception {
    jenkins = new Jenkins();
    jenkins.start();
    jenkins.env.put("KILN_MLFLOW_URI", "https://mlflow.example");
    jenkins.env.put("KILN_DVC_REMOTE_CREDENTIALS", "true");
  }

  @Test
  void mainWithABlessedCandidateRetrainsAndPromotes() {
    jenkins.env.put("BRANCH_NAME", "main");
    jenkins.env.put("GIT_PREVIOUS_SUCCESSFUL_COMMIT", "abc123");
    jenkins.run();
    assertThat(jenkins.commands).containsExactly(
        "./infra/test.sh",
        "./kiln validate pipelines/",
        "./kiln ci changed --base abc123 --files",
        "./kiln ci retrain --base abc123 --out kiln-ci",
        "./kiln ci promote --candidates kiln-ci/candidates.json");
    assertThat(jenkins.calls("junit")).anyMatch(a -> a.contains("kiln-ci/junit.xml") && a.contains("skipMarkingBuildUnstable=true"));
    assertThat(jenkins.calls("archiveArtifacts")).anyMatch(a -> a.contains("kiln-ci/**"));
    assertThat(jenkins.calls("input")).isEmpty();
    jenkins.assertJobStatusSuccess();
  }

  @Test
  void aFeatureBranchRetrainsAgainstItsTargetAndNeverPromotes() {
    jenkins.env.put("BRANCH_NAME", "PR-7");
    jenkins.env.put("CHANGE_TARGET", "main");
    jenkins.run();
    assertThat(jenkins.commands).contains("./kiln ci retrain --base origin/main --out kiln-ci");
    assertThat(jenkins.commands).noneMatch(c -> c.contains("ci promote"));
    assertThat(String.join("\n", jenkins.calls("echo"))).contains("Not promoting: PR-7 is not main");
  }

  @Test
  void aFailedRetrainStopsTheBuildBeforePromotionAndStillPublishesTheReports() {
    jenkins.env.put("BRANCH_NAME", "main");
    jenkins.retrainFails = true;
    assertThatThrownBy(jenkins::run).hasMessageContaining("exit code 1");
    assertThat(jenkins.commands).anyMatch(c -> c.contains("ci retrain")).noneMatch(c -> c.contains("ci promote"));
    assertThat(jenkins.calls("junit")).anyMatch(a -> a.contains("kiln-ci/junit.xml"));
  }

  @Test
  void whenNothingChangedRetrainingAndPromotionAreSkipped() {
    jenkins.env.put("BRANCH_NAME", "main");
    jenkins.affected = "\n";
    jenkins.run();
    assertThat(jenkins.commands).noneMatch(c -> c.contains("ci retrain") || c.contains("ci promote"));
    assertThat(String.join("\n", jenkins.calls("echo"))).contains("Skipped: nothing to retrain");
    jenkins.assertJobStatusSuccess();
  }

  @Test
  void mainWithNothingBlessedDoesNotPromote() {
    jenkins.env.put("BRANCH_NAME", "main");
    jenkins.blessed = "";
    jenkins.run();
    assertThat(jenkins.commands).anyMatch(c -> c.contains("ci retrain")).noneMatch(c -> c.contains("ci promote"));
    assertThat(String.join("\n", jenkins.calls("echo"))).contains("the gate blessed no candidate");
  }

  @Test
  void anApprovalCanGuardPromotion() {
    jenkins.env.put("BRANCH_NAME", "main");
    jenkins.env.put("KILN_APPROVE_PROMOTION", "true");
    jenkins.run();
    List<String> all = jenkins.everything();
    int input = indexOf(all, "input(");
    int promote = indexOf(all, "ci promote");
    assertThat(input).isNotNegative().isLessThan(promote);
  }

  @Test
  void credentialsComeFromJenkinsAndAreNeverEchoedOrInterpolated() {
    jenkins.env.put("BRANCH_NAME", "main");
    jenkins.env.put("KILN_SHARED_REGISTRY", "true");
    jenkins.run();
    assertThat(jenkins.credentialIds).contains("kiln-mlflow", "kiln-dvc-remote", "kiln-registry-db");
    assertThat(jenkins.everything()).as("a secret in a command line or log line").noneMatch(c -> c.contains(SECRET));
    assertThat(String.join("\n", jenkins.commands)).doesNotContain("PASSWORD").doesNotContain("KILN_DB_URL").doesNotContain("SECRET");
  }

  private static int indexOf(List<String> calls, String part) {
    for (int i = 0; i < calls.size(); i++) if (calls.get(i).contains(part)) return i;
    return -1;
  }
}
