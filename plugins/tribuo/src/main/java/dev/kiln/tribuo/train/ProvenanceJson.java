package dev.kiln.tribuo.train;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tribuo's provenance (trainer, hyperparameters, data source, host) as plain JSON-ready maps. */
public final class ProvenanceJson {
  private ProvenanceJson() {}

  public static Object of(Provenance p) {
    if (p instanceof ObjectProvenance o) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("class", o.getClassName());
      for (Pair<String, Provenance> e : o) m.put(e.getA(), of(e.getB()));
      return m;
    }
    if (p instanceof MapProvenance<?> mp) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Pair<String, ? extends Provenance> e : mp) m.put(e.getA(), of(e.getB()));
      return m;
    }
    if (p instanceof ListProvenance<?> lp) {
      List<Object> l = new ArrayList<>();
      for (Provenance x : lp) l.add(of(x));
      return l;
    }
    if (p instanceof PrimitiveProvenance<?> pp) {
      Object v = pp.getValue();
      return v instanceof Number || v instanceof Boolean ? v : String.valueOf(v);
    }
    return String.valueOf(p);
  }
}
