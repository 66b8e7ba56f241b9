package dev.kiln.engine.yaml;

import dev.kiln.engine.diag.Location;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.kiln.engine.diag.Code;
import dev.kiln.engine.diag.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML into a {@link Node} tree where every node knows its line and column. Strict and
 * defensive: duplicate keys, aliases, deep nesting, oversized files and non-UTF-8 bytes are
 * reported as problems instead of being accepted or exhausting memory.
 */
public final class YamlReader {
  /** Pipelines are small; a larger file is almost certainly not a pipeline. */
  public static final int MAX_BYTES = 1 << 20;

  public static final int MAX_DEPTH = 64;

  private final YAMLFactory factory;

  public YamlReader() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true); // we detect them ourselves, with both locations
    options.setMaxAliasesForCollections(0);
    options.setNestingDepthLimit(MAX_DEPTH + 8);
    options.setCodePointLimit(MAX_BYTES);
    this.factory = YAMLFactory.builder().loaderOptions(options).enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();
  }

  /** Reads a file; on failure the problems say why and the result is empty. */
  public Optional<Node> read(Path file, String displayName, Problems problems) {
    return readBytes(file, displayName, problems).flatMap(bytes -> read(bytes, displayName, problems));
  }

  /**
   * A pipeline file's bytes, or empty with the problem said. Only a regular file is opened (a FIFO
   * would block until a writer comes, a device such as /dev/zero never ends) and at most
   * {@link #MAX_BYTES} + 1 bytes are read, so the answer comes at once whatever the path names.
   */
  public static Optional<byte[]> readBytes(Path file, String displayName, Problems problems) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        problems.add(Location.file(displayName), Code.E001, "", "pipeline files must be regular files, found " + kind(file, attributes), "give the path of a .yaml file");
        return Optional.empty();
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
      if (bytes.length > MAX_BYTES) {
        problems.add(new Location(displayName, 1, 1), Code.E002, "",
            // a file that grew since it was looked at (or a /proc file, which says 0) has no size to tell
            "pipeline files must be at most " + MAX_BYTES + " bytes, found " + (attributes.size() > MAX_BYTES ? String.valueOf(attributes.size()) : "more"),
            "split the pipeline or move data out of it into files the steps read");
        return Optional.empty();
      }
      return Optional.of(bytes);
    } catch (NoSuchFileException e) {
      problems.add(Location.file(displayName), Code.E001, "", "no such file", "check the path");
      return Optional.empty();
    } catch (IOException e) {
      problems.add(Location.file(displayName), Code.E001, "", "cannot read the file: " + e.getMessage(), null);
      return Optional.empty();
    }
  }

  private static String kind(Path file, BasicFileAttributes attributes) {
    if (attributes.isDirectory()) return "a directory";
    try {
      // "unix:mode" holds the file type bits where the platform has them (Linux, macOS)
      int type = ((Integer) Files.getAttribute(file, "unix:mode")) & 0170000;
      if (type == 0010000) return "a FIFO (named pipe)";
      if (type == 0020000 || type == 0060000) return "a device";
      if (type == 0140000) return "a socket";
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // no type bits here: the generic answer below
    }
    return "something that is not a file";
  }

  public Optional<Node> read(byte[] bytes, String displayName, Problems problems) {
    if (bytes.length > MAX_BYTES) {
      problems.add(new Location(displayName, 1, 1), Code.E002, "",
          "pipeline files must be at most " + MAX_BYTES + " bytes, found " + bytes.length, null);
      return Optional.empty();
    }
    Optional<String> text = decodeUtf8(bytes, displayName, problems);
    return text.flatMap(t -> parse(t, displayName, problems));
  }

  private static Optional<String> decodeUtf8(byte[] bytes, String file, Problems problems) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult r = decoder.decode(in, out, true);
    if (r.isError()) {
      out.flip();
      String before = out.toString();
      int line = 1;
      int col = 1;
      for (int i = 0; i < before.length(); i++) {
        if (before.charAt(i) == '\n') {
          line++;
          col = 1;
        } else {
          col++;
        }
      }
      problems.add(
          new Location(file, line, col),
          Code.E003,
          "",
          String.format("pipeline files must be UTF-8, found byte 0x%02X at offset %d", bytes[in.position()] & 0xff, in.position()),
          "re-save the file as UTF-8");
      return Optional.empty();
    }
    decoder.flush(out);
    out.flip();
    String s = out.toString();
    if (s.startsWith("\uFEFF")) s = s.substring(1);
    return Optional.of(s);
  }

  private Optional<Node> parse(String text, String file, Problems problems) {
    try (JsonParser p = factory.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        problems.add(new Location(file, 1, 1), Code.E008, "", "the pipeline must be a YAML mapping, found an empty document", "start with \"name: <pipeline name>\" and a \"steps:\" mapping");
        return Optional.empty();
      }
      Problems local = new Problems();
      Node root = readNode(p, file, 1, local);
      problems.addAll(local);
      if (p.nextToken() != null) {
        JsonLocation l = p.currentTokenLocation();
        problems.add(new Location(file, l.getLineNr(), l.getColumnNr()), Code.E004, "", "a pipeline file must hold exactly one YAML document, found another", "remove the \"---\" separator and what follows, or split it into its own file");
      }
      return local.hasErrors() ? Optional.empty() : Optional.ofNullable(root);
    } catch (TooDeep e) {
      problems.add(e.at, Code.E006, "", "nesting must be at most " + MAX_DEPTH + " levels deep, found deeper", "flatten the structure");
      return Optional.empty();
    } catch (AliasFound e) {
      problems.add(e.at, Code.E005, "", "YAML aliases (*" + e.name + ") are not allowed in pipelines", "repeat the value, or declare it once under params: and reference it with ${{ params.<name> }}");
      return Optional.empty();
    } catch (JsonProcessingException e) {
      problems.add(syntaxLocation(e, file), Code.E004, "", syntaxMessage(e), "check indentation, colons and quotes around this place");
      return Optional.empty();
    } catch (IOException e) {
      problems.add(Location.file(file), Code.E001, "", "cannot read the file: " + e.getMessage(), null);
      return Optional.empty();
    }
  }

  private static Location syntaxLocation(JsonProcessingException e, String file) {
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      Mark mark = m.getProblemMark();
      return new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
    }
    JsonLocation l = e.getLocation();
    return l == null ? Location.file(file) : new Location(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
  }

  private static String syntaxMessage(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException m) {
      String ctx = m.getContext();
      String problem = m.getProblem();
      String msg = (ctx == null ? "" : ctx + ": ") + (problem == null ? "invalid YAML" : problem);
      if (m.getCause() != null && m.getCause().getMessage() != null && problem == null) {
        msg = m.getCause().getMessage();
      }
      return "invalid YAML: " + msg.replaceAll("\\s+", " ").trim();
    }
    String msg = e.getOriginalMessage();
    return "invalid YAML: " + (msg == null ? "unreadable" : msg.replaceAll("\\s+", " ").trim());
  }

  private Node readNode(JsonParser p, String file, int depth, Problems problems) throws IOException {
    JsonLocation jl = p.currentTokenLocation();
    Location at = new Location(file, jl.getLineNr(), jl.getColumnNr());
    if (depth > MAX_DEPTH) throw new TooDeep(at);
    if (p instanceof YAMLParser yp && yp.isCurrentAlias()) throw new AliasFound(at, p.getText());
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, MapNode.Entry> entries = new LinkedHashMap<>();
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          JsonLocation kl = p.currentTokenLocation();
          Location keyAt = new Location(file, kl.getLineNr(), kl.getColumnNr());
          p.nextToken();
          Node value = readNode(p, file, depth + 1, problems);
          MapNode.Entry previous = entries.get(key);
          if (previous != null) {
            problems.add(keyAt, Code.E007, "", "keys must be unique in a mapping, found \"" + key + "\" again (first at line " + previous.keyLocation().line() + ")", "remove or rename one of them");
          } else {
            entries.put(key, new MapNode.Entry(key, keyAt, value));
          }
        }
        return new MapNode(entries, at);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(readNode(p, file, depth + 1, problems));
        }
        return new ListNode(items, at);
      }
      case VALUE_STRING -> {
        return new ScalarNode(p.getText(), ScalarNode.Kind.STRING, at);
      }
      case VALUE_NUMBER_INT -> {
        return new ScalarNode(p.getText(), ScalarNode.Kind.INT, at);
      }
      case VALUE_NUMBER_FLOAT -> {
        return new ScalarNode(p.getText(), ScalarNode.Kind.FLOAT, at);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new ScalarNode(p.getText(), ScalarNode.Kind.BOOL, at);
      }
      case VALUE_NULL -> {
        return new ScalarNode(p.getText() == null ? "" : p.getText(), ScalarNode.Kind.NULL, at);
      }
      default -> {
        return new ScalarNode(String.valueOf(p.getText()), ScalarNode.Kind.STRING, at);
      }
    }
  }

  private static final class TooDeep extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Location at;

    TooDeep(Location at) {
      super(null, null, false, false);
      this.at = at;
    }
  }

  private static final class AliasFound extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Location at;
    final String name;

    AliasFound(Location at, String name) {
      super(null, null, false, false);
      this.at = at;
      this.name = name;
    }
  }
}
