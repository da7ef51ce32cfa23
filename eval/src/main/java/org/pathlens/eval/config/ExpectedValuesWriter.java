package org.pathlens.eval.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pathlens.eval.metrics.MetricValue;

/**
 * Rewrites the {@code expected:} block of a config with measured values ({@code eval run
 * --update}). It edits the text line by line rather than re-serialising the YAML, because a YAML
 * writer drops comments, and the comments are where a config says why a number is what it is: every
 * line other than an expected value stays byte for byte, and a metric without a line gets one at
 * the block's end.
 */
public final class ExpectedValuesWriter {

  private static final Pattern BLOCK_START =
      Pattern.compile("^expected:\\s*(\\{\\s*\\})?\\s*(#.*)?$");
  private static final Pattern ENTRY =
      Pattern.compile("^(\\s+)([^\\s:#][^:#]*?):(\\s*)([^\\s#]+)(\\s*#.*)?$");

  /** Six decimals: finer than any tolerance a config uses, coarse enough to read. */
  private static final String FORMAT = "%.6f";

  private ExpectedValuesWriter() {}

  /** Updates {@code file} in place and returns how many values changed or were added. */
  public static int update(Path file, List<MetricValue> values) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Result r = rewrite(text, values);
      Files.writeString(file, r.text(), StandardCharsets.UTF_8);
      return r.changed();
    } catch (IOException e) {
      throw new UncheckedIOException(
          file + ": cannot update the expected values: " + e.getMessage(), e);
    }
  }

  record Result(String text, int changed) {}

  static Result rewrite(String text, List<MetricValue> values) {
    Map<String, String> formatted = new LinkedHashMap<>();
    for (MetricValue v : values) {
      formatted.put(v.name(), String.format(Locale.ROOT, FORMAT, v.value()));
    }
    List<String> lines = new ArrayList<>(text.lines().toList());
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (BLOCK_START.matcher(lines.get(i)).matches()) {
        start = i;
        // An empty flow mapping ("expected: {}") becomes a block the entries can go under.
        lines.set(
            i,
            lines
                .get(i)
                .replaceFirst("\\{\\s*\\}", "")
                .replaceFirst("^expected:\\s*$", "expected:"));
        break;
      }
    }
    int changed = 0;
    if (start < 0) {
      lines.add("expected:");
      start = lines.size() - 1;
    }
    String indent = "  ";
    int end = start + 1;
    // The block runs while lines are indented, blank or comments.
    while (end < lines.size()
        && (lines.get(end).isBlank()
            || lines.get(end).startsWith(" ")
            || lines.get(end).startsWith("#"))) {
      end++;
    }
    // Trailing blank or comment lines belong to what follows, not to the block.
    int lastEntry = start;
    for (int i = start + 1; i < end; i++) {
      Matcher m = ENTRY.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      lastEntry = i;
      indent = m.group(1);
      String value = formatted.remove(m.group(2).trim());
      if (value != null) {
        if (!value.equals(m.group(4))) {
          changed++;
        }
        lines.set(
            i,
            m.group(1)
                + m.group(2)
                + ":"
                + (m.group(3).isEmpty() ? " " : m.group(3))
                + value
                + (m.group(5) == null ? "" : m.group(5)));
      }
    }
    List<String> added = new ArrayList<>();
    for (Map.Entry<String, String> e : formatted.entrySet()) {
      added.add(indent + e.getKey() + ": " + e.getValue());
      changed++;
    }
    lines.addAll(lastEntry + 1, added);
    return new Result(String.join("\n", lines) + "\n", changed);
  }
}
