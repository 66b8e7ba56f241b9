package dev.kiln.deploy;

import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.ModelRuntime;
import dev.kiln.api.StepContext;
import java.io.IOException;

/**
 * Which registered {@link ModelRuntime} loads a model artifact: the one that loads its media type.
 * An artifact whose media type says nothing ({@code application/octet-stream}, e.g. a model file
 * named in a pipeline rather than a training step's output) goes to the first runtime that can
 * read its card.
 */
final class Runtimes {
  static final String UNKNOWN = "application/octet-stream";

  private Runtimes() {}

  static ModelRuntime of(StepContext ctx, Artifact model, String shown) throws IOException, InvalidInput {
    for (ModelRuntime r : ctx.modelRuntimes()) if (r.loads(model.mediaType())) return r;
    if (UNKNOWN.equals(model.mediaType())) {
      for (ModelRuntime r : ctx.modelRuntimes()) {
        try {
          r.card(ctx.open(model), shown);
          return r;
        } catch (InvalidInput notItsFormat) {
          // the next runtime may read it
        }
      }
      throw new InvalidInput(shown + ": no installed model runtime can read this file as a model"
          + "\n  hint: pass the model output of a training step (e.g. tribuo/train's model); `kiln plugins` lists the installed plugins");
    }
    throw new InvalidInput(shown + ": a " + model.mediaType() + " is not a model any installed plugin loads"
        + "\n  hint: pass the model output of a training step (e.g. tribuo/train's model); `kiln plugins` lists the installed plugins");
  }
}
