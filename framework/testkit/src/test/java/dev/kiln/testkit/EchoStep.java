package dev.kiln.testkit;

import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepFailure;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A step that uses every part of its context, so the harness's can be checked. */
final class EchoStep implements StepType<EchoStep.Params> {
  record Params(
      @Param(value = "the text to echo", required = true) String text,
      @Param(value = "how many times", min = 1, max = 10) Integer times,
      @Param("a file whose size is reported") Artifact input,
      @Param("fail with this message") String fail,
      @Param("write the text to a file but return it without storing it") Boolean forgetToStore) {
    Params {
      if (text != null && text.contains("\t")) throw new InvalidParamException("text", false, "text must not hold a tab", "use spaces");
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>("test/echo", "Echoes text", Params.class, "1", List.of(Output.value("echo", "the text, repeated"), Output.artifact("file", "the echo as a file")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    if (p.fail() != null) throw new StepFailure(p.fail());
    int times = p.times() == null ? 1 : p.times();
    ctx.log("echoing " + times + " times, seed " + ctx.seed() + ", GREETING=" + ctx.env().get("GREETING"));
    String runs = ctx.state().getOrDefault("runs", "0");
    ctx.saveState("runs", String.valueOf(Integer.parseInt(runs) + 1));
    for (int i = 1; i <= times; i++) ctx.metric("length", p.text().length() * i, i);
    String echo = (p.text() + " ").repeat(times).strip();
    Path f = ctx.scratchDir().resolve("echo.txt");
    Files.writeString(f, echo);
    Artifact a = p.forgetToStore() != null && p.forgetToStore() ? new Artifact("1".repeat(64), echo.length(), "text/plain", "echo.txt") : ctx.storeArtifact(f, null);
    StepResult.Builder b = StepResult.builder().output("echo", echo).output("file", a).metric("times", times);
    if (p.input() != null) b.output("input-size", Files.size(ctx.open(p.input())));
    return b.build();
  }
}
