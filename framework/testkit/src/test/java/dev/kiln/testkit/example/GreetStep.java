package dev.kiln.testkit.example;

import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The step type of the "Writing a plugin" guide (plugins/README.md). */
final class GreetStep implements StepType<GreetStep.Params> {
  record Params(
      @Param(value = "who to greet", required = true) String who,
      @Param(value = "how many times", min = 1, max = 5, defaultValue = "1") Integer times,
      @Param("hello, hi or hey") String word) {
    Params {
      if (word != null && !List.of("hello", "hi", "hey").contains(word)) {
        throw new InvalidParamException("word", false, "unknown greeting \"" + word + "\"", "valid: hello, hi, hey");
      }
      times = times == null ? 1 : times;
      word = word == null ? "hello" : word;
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "acme/greet",
        "Greets someone, and writes the greeting to a file",
        Params.class,
        "1",
        List.of(
            Output.value("greeting", "the greeting"),
            Output.artifact("card", "the greeting as a text file")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    String greeting = (p.word() + " " + p.who() + "! ").repeat(p.times()).strip();
    ctx.log("greeting " + p.who());
    ctx.metric("length", greeting.length(), 0);
    Path card = ctx.scratchDir().resolve("card.txt");
    Files.writeString(card, greeting + "\n");
    return StepResult.builder()
        .output("greeting", greeting)
        .output("card", ctx.storeArtifact(card, "text/plain"))
        .build();
  }
}
