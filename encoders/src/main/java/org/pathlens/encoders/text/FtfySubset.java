package org.pathlens.encoders.text;

import java.text.Normalizer;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ftfy 6.3.1's {@code fix_text} with its default configuration, less the mojibake repair.
 *
 * <p>Done as ftfy does it, in its order, per line segment, repeated until nothing changes: {@code
 * unescape_html} (ftfy's own: only entities ending in ';', some upper-cased names; skipped from the
 * first segment holding a '<' on), {@code fix_latin_ligatures}, {@code fix_character_width}, {@code
 * uncurl_quotes}, {@code fix_line_breaks}, {@code fix_surrogates} (a Java string's unpaired
 * surrogate becomes U+FFFD), {@code remove_terminal_escapes}, {@code remove_control_chars}, NFC.
 *
 * <p>Not done: {@code fix_encoding} (re-decoding mojibake, with {@code restore_byte_a0}, {@code
 * replace_lossy_sequences}, {@code decode_inconsistent_utf8}) and {@code fix_c1_controls}. ftfy
 * tries them only on non-ASCII text that its {@code badness} expression matches (C1 controls
 * included), so such text is refused with {@link UncleanableTextException} instead of being
 * embedded differently from the model's own code.
 */
final class FtfySubset {

  private static final Pattern FTFY_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");
  // Python's \d in a str pattern is any Unicode decimal digit
  private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001b\\[((?:\\p{Nd}|;)*)([a-zA-Z])");
  private static final Pattern SINGLE_QUOTE = Pattern.compile("[\u02bc\u2018-\u201b]");
  private static final Pattern DOUBLE_QUOTE = Pattern.compile("[\u201c-\u201f]");

  private FtfySubset() {}

  static String fixText(String text) {
    CleaningTables tables = CleaningTables.INSTANCE;
    StringBuilder out = new StringBuilder(text.length());
    boolean unescapeHtml = true; // "auto": off for good once a segment holds '<', as ftfy's config
    int pos = 0;
    while (pos < text.length()) {
      int end = text.indexOf('\n', pos) + 1;
      if (end == 0) {
        end = text.length();
      }
      String segment = text.substring(pos, end);
      if (unescapeHtml && segment.indexOf('<') >= 0) {
        unescapeHtml = false;
      }
      out.append(fixSegment(segment, unescapeHtml, tables, text));
      pos = end;
    }
    return out.toString();
  }

  private static String fixSegment(
      String segment, boolean unescapeHtml, CleaningTables tables, String whole) {
    String text = segment;
    while (true) {
      String original = text;
      if (unescapeHtml) {
        text = unescapeHtml(text, tables);
      }
      refuseMojibake(text, tables, whole);
      text = translate(text, tables.ligatures, Set.of());
      text = translate(text, tables.widthMap, Set.of());
      text = SINGLE_QUOTE.matcher(DOUBLE_QUOTE.matcher(text).replaceAll("\"")).replaceAll("'");
      text =
          text.replace("\r\n", "\n")
              .replace("\r", "\n")
              .replace("\u2028", "\n")
              .replace("\u2029", "\n")
              .replace("\u0085", "\n");
      text = replaceLoneSurrogates(text);
      text = ANSI_ESCAPE.matcher(text).replaceAll("");
      text = translate(text, Map.of(), tables.controlChars);
      text = Normalizer.normalize(text, Normalizer.Form.NFC);
      if (text.equals(original)) {
        return text;
      }
    }
  }

  private static String unescapeHtml(String text, CleaningTables tables) {
    Matcher m = FTFY_ENTITY.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      String entity = m.group();
      String known = tables.ftfyEntities.get(entity);
      String replacement;
      if (known != null) {
        replacement = known;
      } else if (entity.startsWith("&#")) {
        String unescaped = HtmlUnescape.unescape(entity);
        // html.unescape decoded only part of it when the ';' is still there: keep the entity
        replacement = unescaped.indexOf(';') >= 0 ? entity : unescaped;
      } else {
        replacement = entity;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** ftfy's fix_encoding leaves ASCII and text its badness expression does not match alone. */
  private static void refuseMojibake(String text, CleaningTables tables, String whole) {
    if (text.chars().allMatch(c -> c < 0x80)) {
      return;
    }
    Matcher bad = tables.badness.matcher(text);
    if (bad.find()) {
      throw new UncleanableTextException(
          "text "
              + quoted(whole)
              + " looks like mojibake to ftfy (at "
              + quoted(bad.group())
              + "), which this model's tokenizer would try to re-decode; PathLens does not repeat"
              + " ftfy's encoding repair: write the text as it was meant (e.g. \"é\" for \"Ã©\")");
    }
  }

  private static String quoted(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.append('"').toString();
  }

  private static String replaceLoneSurrogates(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
                  && i + 1 < text.length()
                  && Character.isLowSurrogate(text.charAt(i + 1))
              || Character.isLowSurrogate(c)
                  && i > 0
                  && Character.isHighSurrogate(text.charAt(i - 1));
      if (Character.isSurrogate(c) && !paired) {
        if (out == null) {
          out = new StringBuilder(text.substring(0, i));
        }
        out.append('\uFFFD');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** Python's str.translate: each code point mapped, or removed when in {@code removed}. */
  static String translate(String text, Map<Integer, String> map, Set<Integer> removed) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              String to = map.get(c);
              if (to != null) {
                out.append(to);
              } else if (!removed.contains(c)) {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
