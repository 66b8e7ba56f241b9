package dev.kiln.tribuo.train;

import dev.kiln.tribuo.data.Task;
import dev.kiln.tribuo.features.Transform;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.anomaly.AnomalyFactory;
import org.tribuo.anomaly.Event;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.clustering.ClusterID;
import org.tribuo.clustering.ClusteringFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** Turns encoded rows into Tribuo examples and datasets for each task. */
public final class TribuoData {
  /** Provenance time is fixed so equal data gives equal dataset provenance. */
  private static final OffsetDateTime EPOCH = OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private TribuoData() {}

  public static OutputFactory<?> factory(Task task) {
    return switch (task) {
      case CLASSIFICATION -> new LabelFactory();
      case REGRESSION -> new RegressionFactory();
      case CLUSTERING -> new ClusteringFactory();
      case ANOMALY -> new AnomalyFactory();
    };
  }

  /** The output for one row's target text ({@code null} when the data has no target). */
  @SuppressWarnings("unchecked")
  public static <T extends Output<T>> T output(Transform tf, String target) {
    Task task = tf.input().task();
    Object o = switch (task) {
      case CLASSIFICATION -> target == null ? LabelFactory.UNKNOWN_LABEL : new Label(target);
      case REGRESSION -> target == null ? RegressionFactory.UNKNOWN_REGRESSOR : new Regressor(tf.input().target(), Double.parseDouble(target));
      case CLUSTERING -> target == null ? ClusteringFactory.UNASSIGNED_CLUSTER_ID : new ClusterID(Math.max(0, tf.labels().indexOf(target)));
      case ANOMALY -> target == null ? AnomalyFactory.UNKNOWN_EVENT : new Event(target.equals(positive(tf)) ? Event.EventType.ANOMALOUS : Event.EventType.EXPECTED);
    };
    return (T) o;
  }

  /** The value of the target that means "anomalous" / the positive class. */
  public static String positive(Transform tf) {
    if (tf.input().positive() != null) return tf.input().positive();
    if (tf.labels().size() == 2) return tf.labels().get(1);
    return null;
  }

  /** One example per row. */
  public static <T extends Output<T>> List<Example<T>> examples(Transform tf, Transform.Encoded e) throws dev.kiln.api.InvalidInput {
    List<Example<T>> out = new ArrayList<>(e.index().length);
    List<String> names = e.featureNames();
    for (int r = 0; r < e.index().length; r++) {
      int[] idx = e.index()[r];
      if (idx.length == 0) {
        throw new dev.kiln.api.InvalidInput("row " + (r + 1) + " has no feature values: every feature column is missing or holds a category not seen in training"
            + "\n  hint: impute the categorical columns (impute: mode) so a missing value still gives a feature");
      }
      String[] n = new String[idx.length];
      for (int i = 0; i < idx.length; i++) n[i] = names.get(idx[i]);
      T y = output(tf, e.target() == null ? null : e.target()[r]);
      ArrayExample<T> ex = new ArrayExample<>(y, n, e.value()[r]);
      if (e.weight() != null) ex.setWeight((float) e.weight()[r]);
      out.add(ex);
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <T extends Output<T>> MutableDataset<T> dataset(Transform tf, Transform.Encoded e, String description) throws dev.kiln.api.InvalidInput {
    OutputFactory<T> f = (OutputFactory<T>) factory(tf.input().task());
    MutableDataset<T> ds = new MutableDataset<>(new SimpleDataSourceProvenance(description, EPOCH, f), f);
    for (Example<T> ex : TribuoData.<T>examples(tf, e)) ds.add(ex);
    return ds;
  }
}
