package org.pathlens.encoders.text;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code html.unescape}, step for step: the HTML5 named references (with the names HTML5
 * accepts without ';', and the longest known prefix of an unknown name), decimal and hex numeric
 * references, the standard's replacements for invalid ones (0x80-0x9F as windows-1252, surrogates
 * and numbers past U+10FFFF as U+FFFD, noncharacters and most controls dropped).
 */
public final class HtmlUnescape {

  // Python: r'&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)'
  private static final Pattern CHARREF =
      Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

  private static final BigInteger MAX_CODE_POINT = BigInteger.valueOf(0x10FFFF);

  private HtmlUnescape() {}

  public static String unescape(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    Matcher m = CHARREF.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(replace(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String replace(String s) {
    CleaningTables tables = CleaningTables.INSTANCE;
    if (s.charAt(0) == '#') {
      boolean hex = s.charAt(1) == 'x' || s.charAt(1) == 'X';
      String digits = stripSemicolon(s.substring(hex ? 2 : 1));
      BigInteger big = new BigInteger(digits, hex ? 16 : 10);
      if (big.compareTo(MAX_CODE_POINT) > 0) {
        return "\uFFFD";
      }
      int num = big.intValue();
      String mapped = tables.invalidCharrefs.get(num);
      if (mapped != null) {
        return mapped;
      }
      if (num >= 0xD800 && num <= 0xDFFF) {
        return "\uFFFD";
      }
      if (tables.invalidCodepoints.contains(num)) {
        return "";
      }
      return Character.toString(num);
    }
    String named = tables.html5.get(s);
    if (named != null) {
      return named;
    }
    // the longest matching name, as the standard defines it (Python: for x in range(len(s)-1, 1,
    // -1))
    for (int x = s.length() - 1; x > 1; x--) {
      String prefix = tables.html5.get(s.substring(0, x));
      if (prefix != null) {
        return prefix + s.substring(x);
      }
    }
    return "&" + s;
  }

  private static String stripSemicolon(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ';') {
      end--;
    }
    return s.substring(0, end);
  }
}
