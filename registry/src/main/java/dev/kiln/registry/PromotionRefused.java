package dev.kiln.registry;

/** The registry would not move an alias: no such version, no passing blessing, or a force without a reason. */
public final class PromotionRefused extends StoreException {
  private static final long serialVersionUID = 1L;
  private final String hint;

  public PromotionRefused(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  public String hint() {
    return hint;
  }
}
