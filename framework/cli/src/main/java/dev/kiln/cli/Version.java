package dev.kiln.cli;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    Package p = Main.class.getPackage();
    String v = p == null || p.getImplementationVersion() == null ? "dev" : p.getImplementationVersion();
    return new String[] {"kiln " + v, "Java " + System.getProperty("java.version")};
  }
}
