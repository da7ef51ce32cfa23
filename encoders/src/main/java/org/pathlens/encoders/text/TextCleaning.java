package org.pathlens.encoders.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The text cleaning a model family applies before its tokenizer, as the exporter recorded it in
 * {@code model.json}'s {@code text.clean}: steps applied in order, each exactly as the Python
 * function it names. Lower-casing is not a step: the bundle's {@code tokenizer.json} does it.
 */
public final class TextCleaning {

  /** A step of {@code text.clean}. */
  public enum Step {
    /**
     * ftfy's {@code fix_text}, default configuration, less the mojibake repair ({@link
     * FtfySubset}).
     */
    FTFY("ftfy"),
    /** Python's {@code html.unescape}. */
    HTML_UNESCAPE("html.unescape"),
    /** {@code re.sub(r"\s+", " ", text).strip()}, Python's notion of whitespace. */
    WHITESPACE("whitespace");

    private final String name;

    Step(String name) {
      this.name = name;
    }

    public String jsonName() {
      return name;
    }

    String apply(String text) {
      return switch (this) {
        case FTFY -> FtfySubset.fixText(text);
        case HTML_UNESCAPE -> HtmlUnescape.unescape(text);
        case WHITESPACE -> collapseWhitespace(text);
      };
    }

    /** The step named {@code name}, or an exception listing the names there are. */
    public static Step parse(String name) {
      for (Step step : values()) {
        if (step.name.equals(name)) {
          return step;
        }
      }
      throw new IllegalArgumentException(
          "unknown cleaning step \""
              + name
              + "\"; PathLens knows "
              + Arrays.stream(values())
                  .map(s -> "\"" + s.name + "\"")
                  .collect(Collectors.joining(", ")));
    }
  }

  /** No cleaning: bundles exported without {@code text.clean}. */
  public static final TextCleaning NONE = new TextCleaning(List.of());

  private final List<Step> steps;

  public TextCleaning(List<Step> steps) {
    this.steps = List.copyOf(steps);
  }

  public List<Step> steps() {
    return steps;
  }

  /**
   * {@code text} as the model's own code hands it to the tokenizer.
   *
   * @throws UncleanableTextException where ftfy would repair mojibake, which PathLens does not
   */
  public String clean(String text) {
    String cleaned = text;
    for (Step step : steps) {
      cleaned = step.apply(cleaned);
    }
    return cleaned;
  }

  static String collapseWhitespace(String text) {
    Set<Integer> whitespace = CleaningTables.INSTANCE.whitespace;
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    text.codePoints()
        .forEach(
            c -> {
              if (whitespace.contains(c)) {
                if (!word.isEmpty()) {
                  words.add(word.toString());
                  word.setLength(0);
                }
              } else {
                word.appendCodePoint(c);
              }
            });
    if (!word.isEmpty()) {
      words.add(word.toString());
    }
    return String.join(" ", words);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TextCleaning other && steps.equals(other.steps);
  }

  @Override
  public int hashCode() {
    return steps.hashCode();
  }

  @Override
  public String toString() {
    return steps.stream().map(Step::jsonName).collect(Collectors.joining(", ", "[", "]"));
  }
}
