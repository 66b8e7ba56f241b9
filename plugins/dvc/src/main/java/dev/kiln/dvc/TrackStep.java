package dev.kiln.dvc;

import dev.kiln.api.Artifact;
import dev.kiln.api.AtomicFiles;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepFailure;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Puts an artifact under DVC: writes it to a workspace path, {@code dvc add}s it and, when asked,
 * {@code dvc push}es it, so models and datasets land in the team's DVC remote with a .dvc file to
 * commit. Not cached: the workspace file and its .dvc must match this run's artifact.
 */
final class TrackStep implements StepType<TrackStep.Params> {
  record Params(
      @Param(value = "the artifact to track (e.g. ${{ steps.train.outputs.model }})", required = true) Artifact artifact,
      @Param(value = "where it goes in the workspace, relative to the project directory (a .dvc file is written beside it)", required = true) String path,
      @Param(value = "dvc push it to the remote after adding", defaultValue = "false") Boolean push,
      @Param("the DVC remote to push to (default: the repository's default remote)") String remote) {
    Params {
      if (path != null && (path.isBlank() || Path.of(path).isAbsolute() || Path.of(path).normalize().startsWith(".."))) {
        throw new InvalidParamException("path", false, "path must be a relative path inside the project, found \"" + path + "\"", "give a path below the project directory, e.g. models/model.bin");
      }
      push = push != null && push;
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "dvc/track",
        "Writes an artifact to a workspace path and versions it with DVC (dvc add, optionally dvc push)",
        Params.class,
        "1",
        List.of(
            Output.value("path", "the tracked file, relative to the project directory"),
            Output.value("dvc-file", "the .dvc file to commit"),
            Output.value("md5", "DVC's hash of the file"),
            Output.value("pushed", "whether it was pushed to the remote")));
  }

  @Override
  public boolean cacheable() {
    return false;
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    Path target = ctx.projectDir().resolve(p.path()).toAbsolutePath().normalize();
    Path repo = Dvc.findRepo(target);
    if (repo == null) {
      throw new StepFailure(p.path() + " is not inside a DVC repository; run `dvc init` in the project's git repository", false);
    }
    Dvc dvc = Dvc.at(repo, ctx.env());
    Path source = ctx.open(p.artifact());
    Files.createDirectories(target.getParent());
    if (!Files.isRegularFile(target) || Files.mismatch(source, target) != -1) {
      AtomicFiles.replace(target, tmp -> Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING));
    }
    String rel = Tracked.slashes(repo.relativize(target));
    try {
      dvc.run("cannot dvc add " + rel, "add", "--quiet", rel);
      Tracked t = Tracked.find(repo, target);
      if (t == null) throw new StepFailure("`dvc add " + rel + "` wrote no " + rel + ".dvc", false);
      ctx.log("dvc add " + rel + " -> md5 " + t.md5());
      boolean pushed = false;
      if (p.push()) {
        if (p.remote() == null) dvc.run("cannot dvc push " + rel, "push", "--quiet", t.target());
        else dvc.run("cannot dvc push " + rel, "push", "--quiet", "-r", p.remote(), t.target());
        pushed = true;
        ctx.log("dvc push " + t.target() + (p.remote() == null ? "" : " -r " + p.remote()));
      }
      Path project = ctx.projectDir().toAbsolutePath().normalize();
      return StepResult.builder()
          .output("path", Tracked.slashes(project.relativize(target)))
          .output("dvc-file", Tracked.slashes(project.relativize(repo.resolve(t.source()))))
          .output("md5", t.md5())
          .output("pushed", pushed)
          .build();
    } catch (DvcException e) {
      throw new StepFailure(e.full(), false);
    }
  }
}
