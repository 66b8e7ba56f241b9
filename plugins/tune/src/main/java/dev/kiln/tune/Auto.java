package dev.kiln.tune;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code sampler: auto}, the default: the Gaussian process where it is strong and affordable, TPE
 * elsewhere. The GP proposes while the space is flat (no conditional subspace), every parameter is a
 * continuous float (log or not; no int, step or categorical parameter) and there are at most {@link
 * #GP_MAX_DIMS}, and fewer than {@link #GP_MAX_TRIALS} trials have finished (its fit grows with the
 * cube of the trials); every other proposal is TPE's (multivariate, Optuna 5's defaults). Both start
 * with the same {@code startup} random trials, and TPE, once it takes over, learns from every trial
 * the GP proposed. Measured (bench/RESULTS.md): on the continuous benchmark functions the GP is
 * better than Optuna 5's TPE or level with it; on the real task (XGBoost's CV AUC, seven parameters,
 * one an int) it is worse, as it was against Optuna 4's TPE.
 */
final class Auto implements Sampler {
  /** Beyond this many parameters the GP's fit and acquisition cost more than they gain. */
  static final int GP_MAX_DIMS = 10;

  /** After this many finished trials TPE proposes: a GP proposal then costs seconds. */
  static final int GP_MAX_TRIALS = 200;

  private final Space space;
  private final Tpe tpe;
  private final Gp gp;

  Auto(Space space, boolean maximize, int startup, int candidates, boolean constantLiar) {
    this.space = space;
    this.tpe = new Tpe(space, maximize, startup, candidates, true, constantLiar);
    this.gp = gpSpace(space) ? new Gp(space, maximize, startup) : null;
  }

  /** Whether the GP may propose in this space at all. */
  static boolean gpSpace(Space space) {
    return space.flat() && space.dims().size() <= GP_MAX_DIMS && space.dims().stream().allMatch(d -> d instanceof Space.Num n && n.step() == 0);
  }

  /** What auto proposes with for this space and history: "gp" or "tpe". */
  static String choice(Space space, List<Trial> history) {
    if (!gpSpace(space)) return "tpe";
    long finished = history.stream().filter(t -> t.state() != Trial.State.RUNNING).count();
    return finished < GP_MAX_TRIALS ? "gp" : "tpe";
  }

  /** One line for the step log: what auto does in this space with this budget. */
  static String describe(Space space, int budget) {
    if (!gpSpace(space)) {
      String why = !space.flat() ? "the space is conditional"
          : space.dims().size() > GP_MAX_DIMS ? "the space has more than " + GP_MAX_DIMS + " parameters"
          : space.dims().stream().anyMatch(d -> d instanceof Space.Cat) ? "the space has a categorical parameter"
          : "the space has an int or step parameter";
      return "auto: TPE (" + why + ")";
    }
    if (budget <= GP_MAX_TRIALS) return "auto: Gaussian process (at most " + GP_MAX_DIMS + " continuous parameters and a budget of at most " + GP_MAX_TRIALS + " trials)";
    return "auto: Gaussian process for the first " + GP_MAX_TRIALS + " trials, then TPE";
  }

  @Override
  public Map<String, Object> propose(int number, List<Trial> history, SplittableRandom rng) {
    return choice(space, history).equals("gp") ? gp.propose(number, history, rng) : tpe.propose(number, history, rng);
  }
}
