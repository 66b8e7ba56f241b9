package dev.kiln.tribuo.train;

import dev.kiln.api.InvalidParamException;
import dev.kiln.tribuo.data.Task;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tribuo.Trainer;
import org.tribuo.anomaly.libsvm.LibSVMAnomalyTrainer;
import org.tribuo.anomaly.libsvm.SVMAnomalyType;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.Entropy;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.liblinear.LibLinearClassificationTrainer;
import org.tribuo.classification.liblinear.LinearClassificationType;
import org.tribuo.classification.libsvm.LibSVMClassificationTrainer;
import org.tribuo.classification.libsvm.SVMClassificationType;
import org.tribuo.classification.mnb.MultinomialNaiveBayesTrainer;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.xgboost.XGBoostTrainer;
import org.tribuo.clustering.hdbscan.HdbscanTrainer;
import org.tribuo.clustering.kmeans.KMeansTrainer;
import org.tribuo.common.libsvm.KernelType;
import org.tribuo.common.libsvm.SVMParameters;
import org.tribuo.common.nearest.KNNModel;
import org.tribuo.common.nearest.KNNTrainer;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.Adam;
import org.tribuo.math.optimisers.RMSProp;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.libsvm.LibSVMRegressionTrainer;
import org.tribuo.regression.libsvm.SVMRegressionType;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanAbsoluteError;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.sgd.fm.FMRegressionTrainer;
import org.tribuo.regression.sgd.objectives.AbsoluteLoss;
import org.tribuo.regression.sgd.objectives.Huber;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.regression.slm.ElasticNetCDTrainer;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;

/**
 * The algorithms {@code tribuo/train} offers, each with the tasks it does and the hyperparameters
 * it accepts (names, types, ranges, defaults). The same table validates a pipeline offline and
 * builds the Tribuo trainer, so what {@code kiln validate} accepts is exactly what trains.
 */
public final class Algorithms {
  private Algorithms() {}

  /** The kind of a hyperparameter's value. */
  public enum Kind {
    INT,
    DOUBLE,
    BOOL,
    CHOICE
  }

  /** One hyperparameter. {@code dflt} null means "chosen from the data" (described in {@code doc}). */
  public record Hp(String name, Kind kind, double min, double max, Object dflt, List<String> choices, String doc) {
    String describe() {
      return switch (kind) {
        case INT -> "an integer" + range();
        case DOUBLE -> "a number" + range();
        case BOOL -> "true or false";
        case CHOICE -> "one of " + String.join(", ", choices);
      };
    }

    private String range() {
      boolean lo = !Double.isInfinite(min);
      boolean hi = !Double.isInfinite(max);
      if (lo && hi) return " in [" + dev.kiln.tribuo.data.Values.format(min) + ", " + dev.kiln.tribuo.data.Values.format(max) + "]";
      if (lo) return " >= " + dev.kiln.tribuo.data.Values.format(min);
      return hi ? " <= " + dev.kiln.tribuo.data.Values.format(max) : "";
    }
  }


  /** Hyperparameter values after defaults. */
  public record Values(Map<String, Object> map, int numFeatures, int threads, int rows) {
    public int i(String k) {
      return ((Number) map.get(k)).intValue();
    }

    public double d(String k) {
      return ((Number) map.get(k)).doubleValue();
    }

    public boolean b(String k) {
      return (Boolean) map.get(k);
    }

    public String s(String k) {
      return (String) map.get(k);
    }

    public boolean has(String k) {
      return map.get(k) != null;
    }
  }

  /** Builds a trainer. */
  @FunctionalInterface
  interface Factory {
    Trainer<?> make(Task task, Values v, long seed);
  }

  /** An algorithm. */
  public record Algorithm(String name, Set<Task> tasks, List<Hp> hps, boolean iterative, String doc, Factory factory) {
    public Hp hp(String name) {
      for (Hp h : hps) if (h.name().equals(name)) return h;
      return null;
    }

    public List<String> hpNames() {
      List<String> out = new ArrayList<>();
      for (Hp h : hps) out.add(h.name());
      return out;
    }
  }

  /**
   * XGBoost's random-forest mode: one boosting round of {@code trees} parallel trees with learning
   * rate 1, each tree on 63.2% of the rows (the share of distinct rows in a bootstrap sample) and
   * {@code frac} of the features at each split.
   */
  private static Trainer<?> xgboostForest(Task t, Values v, long seed, double frac) {
    if (v.has("impurity")) throw new InvalidParamException("impurity", false, "impurity is a CART option; XGBoost's forest splits on gradient statistics", "remove impurity: or set engine: cart");
    if (v.d("min-impurity-decrease") > 0) throw new InvalidParamException("min-impurity-decrease", false, "min-impurity-decrease is a CART option", "remove it or set engine: cart");
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("num_parallel_tree", v.i("trees"));
    p.put("eta", 1.0);
    p.put("subsample", 0.632);
    p.put("colsample_bynode", frac);
    p.put("max_depth", v.i("max-depth") == Integer.MAX_VALUE ? 0 : v.i("max-depth"));
    // XGBoost weighs a leaf by its hessian: an example counts 1 in regression and p(1 - p) = 1/4 in
    // the first logistic round, so min-child-weight keeps its meaning (examples in a leaf); no L2
    // shrinkage of the leaves, as in a random forest
    p.put("min_child_weight", v.d("min-child-weight") * (t == Task.CLASSIFICATION ? 0.25 : 1.0));
    p.put("lambda", 0.0);
    p.put("tree_method", "hist");
    p.put("nthread", v.threads());
    p.put("seed", seed);
    p.put("verbosity", 0);
    p.put("objective", t == Task.CLASSIFICATION ? "multi:softprob" : "reg:squarederror"); // as Tribuo's own XGBoost trainers
    return t == Task.CLASSIFICATION ? new XGBoostClassificationTrainer(1, p) : new XGBoostRegressionTrainer(XGBoostRegressionTrainer.RegressionType.LINEAR, 1, p);
  }

  private static final double INF = Double.POSITIVE_INFINITY;
  private static final Map<String, Algorithm> ALL = new TreeMap<>();

  private static Hp i(String name, double min, double max, Integer dflt, String doc) {
    return new Hp(name, Kind.INT, min, max, dflt, null, doc);
  }

  private static Hp d(String name, double min, double max, Double dflt, String doc) {
    return new Hp(name, Kind.DOUBLE, min, max, dflt, null, doc);
  }

  private static Hp c(String name, String dflt, String doc, String... choices) {
    return new Hp(name, Kind.CHOICE, 0, 0, dflt, List.of(choices), doc);
  }

  private static Hp b(String name, boolean dflt, String doc) {
    return new Hp(name, Kind.BOOL, 0, 0, dflt, null, doc);
  }

  private static void add(String name, Set<Task> tasks, boolean iterative, String doc, List<Hp> hps, Factory f) {
    ALL.put(name, new Algorithm(name, tasks, hps, iterative, doc, f));
  }

  private static final Set<Task> CLS = EnumSet.of(Task.CLASSIFICATION);
  private static final Set<Task> REG = EnumSet.of(Task.REGRESSION);
  private static final Set<Task> BOTH = EnumSet.of(Task.CLASSIFICATION, Task.REGRESSION);

  static StochasticGradientOptimiser optimiser(Values v) {
    String o = v.s("optimiser");
    double lr = v.has("learning-rate") ? v.d("learning-rate") : o.equals("adam") ? 0.001 : o.equals("adagrad") ? 1.0 : 0.01;
    return switch (o) {
      case "adam" -> new Adam(lr, 1e-8);
      case "rmsprop" -> new RMSProp(lr, 0.9);
      case "sgd" -> SGD.getLinearDecaySGD(lr);
      default -> new AdaGrad(lr, 1e-6);
    };
  }

  /** Log the SGD loss once per epoch (Tribuo averages it over the interval). */
  static int logInterval(Values v) {
    return Math.max(1, (v.rows() + v.i("minibatch-size") - 1) / v.i("minibatch-size"));
  }

  static {
    List<Hp> sgd = List.of(
        i("epochs", 1, 100000, 10, "passes over the training data"),
        d("learning-rate", 0, INF, null, "step size (default: 1.0 for adagrad, 0.001 for adam, 0.01 otherwise)"),
        c("optimiser", "adagrad", "gradient optimiser", "adagrad", "adam", "rmsprop", "sgd"),
        i("minibatch-size", 1, 1 << 20, 1, "examples per gradient step"));
    List<Hp> logistic = new ArrayList<>(sgd);
    logistic.set(0, i("epochs", 1, 100000, 30, "passes over the training data"));
    add("logistic-regression", CLS, true, "multinomial logistic regression trained by SGD (AdaGrad)", logistic,
        (t, v, seed) -> new org.tribuo.classification.sgd.linear.LinearSGDTrainer(new LogMulticlass(), optimiser(v), v.i("epochs"), logInterval(v), v.i("minibatch-size"), seed));
    List<Hp> lin = new ArrayList<>(sgd);
    lin.add(c("objective", null, "loss: log or hinge (classification, default log); squared, absolute or huber (regression, default squared)", "log", "hinge", "squared", "absolute", "huber"));
    add("linear-sgd", BOTH, true, "linear model trained by SGD (loss curve recorded)", lin, (t, v, seed) -> {
      String obj = v.has("objective") ? v.s("objective") : t == Task.REGRESSION ? "squared" : "log";
      if (t == Task.CLASSIFICATION) {
        if (!obj.equals("log") && !obj.equals("hinge")) throw new InvalidParamException("hyperparameters.objective", false, "objective " + obj + " is for regression; classification takes log or hinge", null);
        return new org.tribuo.classification.sgd.linear.LinearSGDTrainer(obj.equals("hinge") ? new Hinge() : new LogMulticlass(), optimiser(v), v.i("epochs"), logInterval(v), v.i("minibatch-size"), seed);
      }
      var objective = switch (obj) {
        case "absolute" -> new AbsoluteLoss();
        case "huber" -> new Huber();
        case "squared" -> new SquaredLoss();
        default -> throw new InvalidParamException("hyperparameters.objective", false, "objective " + obj + " is for classification; regression takes squared, absolute or huber", null);
      };
      return new org.tribuo.regression.sgd.linear.LinearSGDTrainer(objective, optimiser(v), v.i("epochs"), logInterval(v), v.i("minibatch-size"), seed);
    });
    add("liblinear", CLS, false, "LibLinear linear classifier (logistic regression or linear SVM)", List.of(
        c("solver", "l2r-lr", "LibLinear solver", "l2r-lr", "l2r-lr-dual", "l1r-lr", "l2r-l2loss-svc", "l2r-l2loss-svc-dual", "l2r-l1loss-svc-dual", "l1r-l2loss-svc", "mcsvm-cs"),
        d("cost", 0, INF, 1.0, "inverse regularisation strength C"),
        d("epsilon", 0, INF, 0.01, "stopping tolerance"),
        i("max-iterations", 1, 1e7, 1000, "iteration limit")),
        (t, v, seed) -> new LibLinearClassificationTrainer(new LinearClassificationType(LinearClassificationType.LinearType.valueOf(v.s("solver").toUpperCase(Locale.ROOT).replace('-', '_'))), v.d("cost"), v.i("max-iterations"), v.d("epsilon"), seed));
    List<Hp> svm = List.of(
        c("kernel", "rbf", "kernel function", "rbf", "linear", "poly", "sigmoid"),
        d("cost", 0, INF, 1.0, "C, the penalty for misclassification"),
        d("gamma", 0, INF, null, "kernel coefficient (default 1 / number of features)"),
        i("degree", 1, 20, 3, "degree of the poly kernel"),
        d("epsilon", 0, INF, 0.1, "epsilon-SVR tube width (regression)"),
        b("probability", true, "fit probability estimates (classification; needed for ROC curves and log loss)"));
    add("libsvm", BOTH, false, "LibSVM support vector machine (C-SVC or epsilon-SVR)", svm, (t, v, seed) -> {
      if (t == Task.CLASSIFICATION) {
        SVMParameters<org.tribuo.classification.Label> p = new SVMParameters<>(new SVMClassificationType(SVMClassificationType.SVMMode.C_SVC), kernel(v));
        svmCommon(p, v);
        if (v.b("probability")) p.setProbability();
        return new LibSVMClassificationTrainer(p, seed);
      }
      SVMParameters<org.tribuo.regression.Regressor> p = new SVMParameters<>(new SVMRegressionType(SVMRegressionType.SVMMode.EPSILON_SVR), kernel(v));
      svmCommon(p, v);
      p.setEpsilon(v.d("epsilon"));
      return new LibSVMRegressionTrainer(p, false, seed);
    });
    add("one-class-svm", EnumSet.of(Task.ANOMALY), false, "LibSVM one-class SVM; trains on normal rows, flags outliers", List.of(
        c("kernel", "rbf", "kernel function", "rbf", "linear", "poly", "sigmoid"),
        d("nu", 0, 1, 0.1, "upper bound on the fraction of training rows treated as outliers"),
        d("gamma", 0, INF, null, "kernel coefficient (default 1 / number of features)"),
        i("degree", 1, 20, 3, "degree of the poly kernel")),
        (t, v, seed) -> {
          SVMParameters<org.tribuo.anomaly.Event> p = new SVMParameters<>(new SVMAnomalyType(SVMAnomalyType.SVMMode.ONE_CLASS), kernel(v));
          p.setNu(v.d("nu"));
          p.setGamma(v.has("gamma") ? v.d("gamma") : 1.0 / Math.max(1, v.numFeatures()));
          p.setDegree(v.i("degree"));
          return new LibSVMAnomalyTrainer(p, seed);
        });
    List<Hp> tree = List.of(
        i("max-depth", 1, Integer.MAX_VALUE, Integer.MAX_VALUE, "maximum tree depth"),
        d("min-child-weight", 0, INF, 5.0, "minimum example weight in a leaf"),
        d("min-impurity-decrease", 0, INF, 0.0, "split only when impurity falls by at least this"),
        d("fraction-features", 0, 1, 1.0, "fraction of features considered at each split"),
        c("impurity", null, "split criterion: gini or entropy (classification, default gini); mse or mae (regression, default mse)", "gini", "entropy", "mse", "mae"));
    add("cart", BOTH, false, "CART decision tree", tree, (t, v, seed) -> cart(t, v, seed, (float) v.d("fraction-features")));
    List<Hp> forest = List.of(
        i("trees", 1, 100000, 100, "number of trees"),
        i("max-depth", 1, Integer.MAX_VALUE, Integer.MAX_VALUE, "maximum tree depth"),
        d("min-child-weight", 0, INF, 1.0, "minimum example weight in a leaf"),
        d("min-impurity-decrease", 0, INF, 0.0, "split only when impurity falls by at least this"),
        d("fraction-features", 0, 1, null, "fraction of features per split (default sqrt(n)/n for classification, 1/3 for regression)"),
        c("impurity", null, "split criterion (see cart; engine cart only)", "gini", "entropy", "mse", "mae"),
        c("engine", null, "xgboost (the default): XGBoost's random-forest mode (one round of parallel trees, eta 1, rows subsampled to 63.2% without replacement, fraction-features per split, hist); cart: Tribuo's ensemble of CART trees (the default when impurity or min-impurity-decrease is set)", "xgboost", "cart"));
    add("random-forest", BOTH, false, "random forest (bagging + feature subsampling): XGBoost's random-forest mode, or Tribuo's CART trees with engine: cart", forest, (t, v, seed) -> {
      double frac = v.has("fraction-features") ? v.d("fraction-features") : t == Task.CLASSIFICATION ? Math.sqrt(v.numFeatures()) / Math.max(1, v.numFeatures()) : 1.0 / 3;
      frac = Math.min(1.0, Math.max(frac, 1.0 / Math.max(1, v.numFeatures())));
      String engine = v.has("engine") ? v.s("engine") : v.has("impurity") || v.d("min-impurity-decrease") > 0 ? "cart" : "xgboost";
      if (engine.equals("xgboost")) return xgboostForest(t, v, seed, frac);
      if (t == Task.CLASSIFICATION) {
        return new RandomForestTrainer<>((CARTClassificationTrainer) cart(t, v, seed, (float) frac), new FullyWeightedVotingCombiner(), v.i("trees"), seed);
      }
      return new RandomForestTrainer<>((CARTRegressionTrainer) cart(t, v, seed, (float) frac), new AveragingCombiner(), v.i("trees"), seed);
    });
    add("xgboost", BOTH, true, "XGBoost gradient-boosted trees", List.of(
        i("trees", 1, 100000, 100, "boosting rounds"),
        d("eta", 0, 1, 0.3, "learning rate"),
        i("max-depth", 1, 100, 6, "maximum tree depth"),
        d("min-child-weight", 0, INF, 1.0, "minimum hessian weight in a leaf"),
        d("subsample", 0, 1, 1.0, "row subsample per tree"),
        d("colsample", 0, 1, 1.0, "feature subsample per tree"),
        d("lambda", 0, INF, 1.0, "L2 regularisation"),
        d("alpha", 0, INF, 0.0, "L1 regularisation"),
        d("gamma", 0, INF, 0.0, "minimum loss reduction to split"),
        c("tree-method", "hist", "how splits are searched: hist (binned histograms, XGBoost's own default since 2.0; 7x faster than exact on churn), approx or exact", "hist", "approx", "exact")),
        (t, v, seed) -> {
          var method = XGBoostTrainer.TreeMethod.valueOf(v.s("tree-method").toUpperCase(Locale.ROOT));
          var gbtree = XGBoostTrainer.BoosterType.GBTREE;
          var silent = XGBoostTrainer.LoggingVerbosity.SILENT;
          return t == Task.CLASSIFICATION
              ? new XGBoostClassificationTrainer(gbtree, method, v.i("trees"), v.d("eta"), v.d("gamma"), v.i("max-depth"), v.d("min-child-weight"), v.d("subsample"), v.d("colsample"), v.d("lambda"), v.d("alpha"), v.threads(), silent, seed)
              : new XGBoostRegressionTrainer(gbtree, method, XGBoostRegressionTrainer.RegressionType.LINEAR, v.i("trees"), v.d("eta"), v.d("gamma"), v.i("max-depth"), v.d("min-child-weight"), v.d("subsample"), v.d("colsample"), v.d("lambda"), v.d("alpha"), v.threads(), silent, seed);
        });
    add("knn", BOTH, false, "k-nearest neighbours (vote or average)", List.of(
        i("k", 1, 100000, 5, "neighbours"),
        c("distance", "l2", "distance", "l2", "l1", "cosine")),
        (t, v, seed) -> {
          KNNTrainer.Distance dist = KNNTrainer.Distance.valueOf(v.s("distance").toUpperCase(Locale.ROOT));
          if (t == Task.CLASSIFICATION) return new KNNTrainer<>(v.i("k"), dist, v.threads(), new VotingCombiner(), KNNModel.Backend.THREADPOOL);
          return new KNNTrainer<>(v.i("k"), dist, v.threads(), new AveragingCombiner(), KNNModel.Backend.THREADPOOL);
        });
    add("naive-bayes", CLS, false, "multinomial naive Bayes (counts or TF-IDF; features must be >= 0)", List.of(
        d("alpha", 0, INF, 1.0, "additive (Laplace) smoothing")),
        (t, v, seed) -> new MultinomialNaiveBayesTrainer(v.d("alpha")));
    List<Hp> fm = new ArrayList<>(sgd);
    fm.add(i("factors", 1, 1000, 6, "size of the factorised interaction"));
    fm.add(d("variance", 0, INF, 0.1, "initialisation variance of the factors"));
    add("factorization-machine", BOTH, true, "factorization machine trained by SGD", fm, (t, v, seed) -> t == Task.CLASSIFICATION
        ? new FMClassificationTrainer(new LogMulticlass(), optimiser(v), v.i("epochs"), logInterval(v), v.i("minibatch-size"), seed, v.i("factors"), v.d("variance"))
        : new FMRegressionTrainer(new SquaredLoss(), optimiser(v), v.i("epochs"), logInterval(v), v.i("minibatch-size"), seed, v.i("factors"), v.d("variance"), false));
    List<Hp> enet = List.of(
        d("alpha", 0, INF, 1.0, "regularisation strength"),
        d("tolerance", 0, INF, 1e-4, "convergence tolerance"),
        i("max-iterations", 1, 1e7, 1000, "coordinate descent sweeps"));
    add("lasso", REG, false, "lasso (L1) regression by coordinate descent", enet, (t, v, seed) -> new ElasticNetCDTrainer(v.d("alpha"), 1.0, v.d("tolerance"), v.i("max-iterations"), false, seed));
    add("ridge", REG, false, "ridge (L2) regression by coordinate descent", enet, (t, v, seed) -> new ElasticNetCDTrainer(v.d("alpha"), 1e-6, v.d("tolerance"), v.i("max-iterations"), false, seed));
    List<Hp> en = new ArrayList<>(enet);
    en.add(d("l1-ratio", 0, 1, 0.5, "mix of L1 (1.0) and L2 (0.0)"));
    add("elastic-net", REG, false, "elastic net regression by coordinate descent", en, (t, v, seed) -> new ElasticNetCDTrainer(v.d("alpha"), Math.max(1e-6, v.d("l1-ratio")), v.d("tolerance"), v.i("max-iterations"), false, seed));
    add("k-means", EnumSet.of(Task.CLUSTERING), false, "k-means (k-means++ initialisation by default)", List.of(
        i("centroids", 1, 100000, 3, "number of clusters"),
        i("iterations", 1, 1e7, 100, "maximum iterations"),
        c("distance", "l2", "distance", "l2", "l1", "cosine"),
        c("init", "plusplus", "initialisation", "plusplus", "random")),
        (t, v, seed) -> new KMeansTrainer(v.i("centroids"), v.i("iterations"), switch (v.s("distance")) {
          case "l1" -> KMeansTrainer.Distance.L1;
          case "cosine" -> KMeansTrainer.Distance.COSINE;
          default -> KMeansTrainer.Distance.EUCLIDEAN;
        }, v.s("init").equals("random") ? KMeansTrainer.Initialisation.RANDOM : KMeansTrainer.Initialisation.PLUSPLUS, v.threads(), seed));
    add("hdbscan", EnumSet.of(Task.CLUSTERING), false, "HDBSCAN* density clustering (finds the number of clusters; label 0 is noise)", List.of(
        i("min-cluster-size", 2, 1e7, 5, "smallest cluster"),
        i("k", 1, 100000, 5, "neighbours for the core distance"),
        c("distance", "l2", "distance", "l2", "l1", "cosine")),
        (t, v, seed) -> new HdbscanTrainer(v.i("min-cluster-size"), switch (v.s("distance")) {
          case "l1" -> HdbscanTrainer.Distance.L1;
          case "cosine" -> HdbscanTrainer.Distance.COSINE;
          default -> HdbscanTrainer.Distance.EUCLIDEAN;
        }, v.i("k"), v.threads()));
  }

  private static KernelType kernel(Values v) {
    return KernelType.valueOf(v.s("kernel").toUpperCase(Locale.ROOT));
  }

  private static void svmCommon(SVMParameters<?> p, Values v) {
    p.setCost(v.d("cost"));
    p.setGamma(v.has("gamma") ? v.d("gamma") : 1.0 / Math.max(1, v.numFeatures()));
    p.setDegree(v.i("degree"));
  }

  private static Trainer<?> cart(Task t, Values v, long seed, float fraction) {
    String imp = v.has("impurity") ? v.s("impurity") : t == Task.REGRESSION ? "mse" : "gini";
    if (t == Task.CLASSIFICATION) {
      if (!imp.equals("gini") && !imp.equals("entropy")) throw new InvalidParamException("hyperparameters.impurity", false, "impurity " + imp + " is for regression; classification takes gini or entropy", null);
      return new CARTClassificationTrainer(v.i("max-depth"), (float) v.d("min-child-weight"), (float) v.d("min-impurity-decrease"), fraction, false, imp.equals("entropy") ? new Entropy() : new GiniIndex(), seed);
    }
    if (!imp.equals("mse") && !imp.equals("mae")) throw new InvalidParamException("hyperparameters.impurity", false, "impurity " + imp + " is for classification; regression takes mse or mae", null);
    return new CARTRegressionTrainer(v.i("max-depth"), (float) v.d("min-child-weight"), (float) v.d("min-impurity-decrease"), fraction, false, imp.equals("mae") ? new MeanAbsoluteError() : new MeanSquaredError(), seed);
  }

  public static Map<String, Algorithm> all() {
    return ALL;
  }

  /** Algorithms that do {@code task}. */
  public static List<String> forTask(Task task) {
    List<String> out = new ArrayList<>();
    for (Algorithm a : ALL.values()) if (a.tasks().contains(task)) out.add(a.name());
    return out;
  }

  /**
   * Checks an algorithm, the task (when known) and hyperparameters, and returns the values with
   * defaults filled in. Throws {@link InvalidParamException} pointing at the offending key or value.
   */
  public static Map<String, Object> check(String algorithm, Task task, Map<String, Object> hps) {
    Algorithm a = ALL.get(algorithm);
    if (a == null) {
      String best = dev.kiln.tribuo.data.TableReader.closest(algorithm, new ArrayList<>(ALL.keySet()));
      throw new InvalidParamException("algorithm", false, "unknown algorithm \"" + algorithm + "\"",
          (best != null ? "did you mean \"" + best + "\"? " : "") + "algorithms: " + String.join(", ", ALL.keySet()));
    }
    if (task != null && !a.tasks().contains(task)) {
      throw new InvalidParamException("algorithm", false, a.name() + " does not do " + task.yamlName(), "algorithms for " + task.yamlName() + ": " + String.join(", ", forTask(task)));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> given = hps == null ? Map.of() : hps;
    for (String k : given.keySet()) {
      if (a.hp(k) == null) {
        String best = dev.kiln.tribuo.data.TableReader.closest(k, a.hpNames());
        throw new InvalidParamException("hyperparameters." + k, true, a.name() + " has no hyperparameter \"" + k + "\"",
            (best != null ? "did you mean \"" + best + "\"? " : "") + "valid: " + String.join(", ", a.hpNames()));
      }
    }
    for (Hp h : a.hps()) {
      Object v = given.get(h.name());
      if (v == null) {
        out.put(h.name(), h.dflt());
        continue;
      }
      out.put(h.name(), coerce(a, h, v));
    }
    return out;
  }

  private static Object coerce(Algorithm a, Hp h, Object v) {
    String path = "hyperparameters." + h.name();
    String bad = a.name() + "'s " + h.name() + " must be " + h.describe() + ", found " + (v instanceof String ? "\"" + v + "\"" : String.valueOf(v));
    switch (h.kind()) {
      case INT -> {
        if (!(v instanceof Long || v instanceof Integer) || ((Number) v).doubleValue() < h.min() || ((Number) v).doubleValue() > h.max()) throw new InvalidParamException(path, false, bad, h.doc());
        return ((Number) v).intValue();
      }
      case DOUBLE -> {
        boolean positive = h.name().matches("learning-rate|cost|eta|nu|alpha|variance") && h.min() == 0 && !a.name().matches("xgboost|lasso|ridge|elastic-net|naive-bayes");
        if (!(v instanceof Number n) || n.doubleValue() < h.min() || n.doubleValue() > h.max() || (positive && n.doubleValue() == 0)) {
          throw new InvalidParamException(path, false, bad + (positive && v instanceof Number ? " (must be > 0)" : ""), h.doc());
        }
        return n.doubleValue();
      }
      case BOOL -> {
        if (!(v instanceof Boolean)) throw new InvalidParamException(path, false, bad, h.doc());
        return v;
      }
      default -> {
        if (!(v instanceof String s) || !h.choices().contains(s)) throw new InvalidParamException(path, false, bad, h.doc());
        return s;
      }
    }
  }

  /** Builds the trainer for checked values. */
  public static Trainer<?> trainer(String algorithm, Task task, Map<String, Object> checked, int numFeatures, int rows, int threads, long seed) {
    return ALL.get(algorithm).factory().make(task, new Values(checked, numFeatures, threads, rows), seed);
  }
}
