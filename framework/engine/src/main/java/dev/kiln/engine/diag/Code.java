package dev.kiln.engine.diag;

/** Every problem Kiln reports about its input, with a stable code. */
public enum Code {
  E001("file cannot be read"),
  E002("file too large"),
  E003("file is not UTF-8"),
  E004("YAML syntax error"),
  E005("YAML aliases are not allowed"),
  E006("nesting too deep"),
  E007("duplicate key"),
  E008("document is not a mapping"),
  E101("unknown property"),
  E102("missing required property"),
  E103("wrong type"),
  E104("unknown step type"),
  E105("invalid identifier"),
  E106("no steps"),
  E110("invalid param declaration"),
  E111("invalid param value"),
  E112("unknown param"),
  E120("unknown step parameter"),
  E121("missing step parameter"),
  E122("wrong step parameter type"),
  E123("step parameter out of range"),
  E130("expression syntax error"),
  E131("reference to an unknown param"),
  E132("reference to an unknown step"),
  E133("reference to an unknown output"),
  E134("unknown expression context"),
  E135("invalid matrix reference"),
  E136("secret not allowed here"),
  E137("expression nested too deep"),
  E140("dependency cycle"),
  E141("needs an unknown step"),
  E142("step depends on itself"),
  E150("invalid retry"),
  E151("invalid duration"),
  E152("invalid matrix"),
  E153("invalid condition"),
  E154("invalid for-each"),
  E155("invalid max-parallel"),
  E160("invalid sub-pipeline path"),
  E161("sub-pipeline include cycle"),
  E162("sub-pipeline value cannot be inlined"),
  E163("sub-pipelines expand too far"),
  W201("unused param"),
  W202("shadowed name");

  private final String title;

  Code(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }

  public boolean isWarning() {
    return name().startsWith("W");
  }
}
