package org.pathlens.encoders.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/**
 * The cleaning steps against the Python they stand for, run by Debian's Python on the same strings:
 * {@code html.unescape} on every HTML5 entity name (with and without ';', followed by letters),
 * numeric references across the code space and its invalid ranges; {@code re.sub(r"\s+", " ",
 * t).strip()} on every whitespace Python knows; and ftfy 6.3.1 from {@code ../shared/refmodels}
 * (skipped without it) on entities, quotes, ligatures, full-width forms, controls and line breaks,
 * and on mojibake, which PathLens refuses where ftfy would re-decode it.
 */
class TextCleaningPythonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String SCRIPT =
      """
      import html, json, re, sys
      mode, texts = sys.argv[1], json.load(sys.stdin)
      if mode == "html":
          out = [html.unescape(t) for t in texts]
      elif mode == "whitespace":
          out = [re.sub(r"\\s+", " ", t).strip() for t in texts]
      else:
          sys.path.insert(0, mode)
          import ftfy
          out = [[ftfy.fix_text(t), ftfy.fix_text(t, fix_encoding=False, fix_c1_controls=False)]
                 for t in texts]
      sys.stdout.write(json.dumps(out))
      """;

  @Test
  void htmlUnescapeIsPythons() throws Exception {
    List<String> texts = new ArrayList<>();
    for (String name : CleaningTables.INSTANCE.html5.keySet()) {
      texts.add("&" + name);
      texts.add("x&" + name + "y;z");
      texts.add("&" + name + name);
    }
    for (int c = 0; c < 0x11000; c += 7) {
      texts.add("&#" + c + ";&#x" + Integer.toHexString(c) + "&#X" + Integer.toHexString(c) + ";");
    }
    texts.addAll(
        List.of(
            "Lymphocytes &amp; plasma cells",
            "&amp;amp;",
            "&amp;amp;lt;",
            "&ampx &amp;x &notit; &notin &not;in &AMP",
            "&#x10FFFF; &#x110000; &#99999999999999999999999; &#0; &#x0d; &#x80; &#x9F &#129;",
            "&#xD800; &#xDFFF; &#xFFFE; &#x1FFFF; &#11; &#x7f; &#;&#x;&;&#xg;",
            "&" + "a".repeat(40) + ";",
            "&amp" + "b".repeat(40),
            "a & b, a&b, &, &&amp;, &\tamp;, &am p;",
            "\u00e9&eacute\u00e9&Eacute;&ecirc 😀&#128512;"));
    List<String> python = python("html", texts);
    for (int i = 0; i < texts.size(); i++) {
      assertEquals(python.get(i), HtmlUnescape.unescape(texts.get(i)), "of " + texts.get(i));
    }
  }

  @Test
  void whitespaceIsPythonsSplit() throws Exception {
    StringBuilder all = new StringBuilder();
    for (int c = 0; c < 0x3100; c++) {
      if (!Character.isSurrogate((char) c)) {
        all.append("a").appendCodePoint(c).append(c % 3 == 0 ? "  " : "").append("b");
      }
    }
    List<String> texts =
        List.of(
            all.toString(),
            "  multiple   spaces\tand\ttabs  ",
            "\u00a0no-break\u202fnarrow\u3000ideographic\u2028line\u0085next\u001cfile ",
            "\u200bzero width is not space\ufeff",
            "",
            " \n\t ");
    List<String> python = python("whitespace", texts);
    for (int i = 0; i < texts.size(); i++) {
      assertEquals(python.get(i), TextCleaning.Step.WHITESPACE.apply(texts.get(i)), "text " + i);
    }
  }

  @Test
  void ftfySubsetIsFtfyWhereItDoesNotRefuse() throws Exception {
    Path ftfy =
        Fixtures.shared()
            .map(s -> s.resolve("refmodels/third_party/ftfy"))
            .filter(Files::isDirectory)
            .orElse(null);
    assumeTrue(ftfy != null, "../shared/refmodels/third_party/ftfy not found: skipped");
    List<String> texts =
        List.of(
            "Lymphocytes &amp; plasma cells",
            "&amp;amp; &AMP; &EACUTE; P&EACUTE;REZ &NTILDE; &nTILDE; &#x2019; &#8217 &eacute",
            "this&not that, &notin; &lt;b&gt; and <b>&amp;</b>",
            "first line &amp;\nsecond <tag> &amp;\nthird &amp;",
            "Broken text&hellip; it&#x2019;s \ufb02ubberi\ufb01c!",
            "\uff2c\uff2f\uff35\uff24\u3000\uff2e\uff2f\uff29\uff33\uff25\uff33 \uff73\uff80\uff70\uff9d",
            "\u201ccurly\u201d \u2018quotes\u2019 \u02bcmodifier\u201b \u201f",
            "crlf\r\nand cr\rand ls\u2028ps\u2029 end",
            "\u001b[36;44mblue\u001b[0m \u0007bell\u0000nul\u007f \ufeffbom \ufffcobj \u206a",
            "e\u0301 NFC, \u212b angstrom, \u00e9 caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u2014 \u00b5m",
            "CD3+/CD8+ T-cells (IHC), Ki-67 \u2248 30% \ud83d\ude00 \u4e2d\u6587 \u0645\u0631\u062d\u0628\u0627",
            "H&E, 40\u00d7, 0.25 \u00b5m/px \u00b1 0.01 \u2103 \u00bd",
            "&#128512;&#x1F600; &#x80; &#150; &#0;");
    List<String> mojibake =
        List.of(
            "s\u00c3\u00b3",
            "voil\u00c3\u00a0 le travail",
            "\u00e2\u0153\u201d No problems",
            "caf\u00c3\u00a9 au lait",
            "it\u00e2\u20ac\u2122s",
            "&macr;\\_(\u00e3\u0083\u0084)_/&macr;",
            "c1 control \u0092 here",
            "next line \u0085 is a C1 control too");
    List<String> all = new ArrayList<>(texts);
    all.addAll(mojibake);
    List<List<String>> python = python(ftfy.toString(), all, new TypeReference<>() {});
    for (int i = 0; i < texts.size(); i++) {
      assertEquals(python.get(i).get(0), FtfySubset.fixText(texts.get(i)), "of " + texts.get(i));
    }
    for (int i = texts.size(); i < all.size(); i++) {
      String text = all.get(i);
      UncleanableTextException refused =
          assertThrows(UncleanableTextException.class, () -> FtfySubset.fixText(text), text);
      assertTrue(refused.getMessage().contains("mojibake"), refused.getMessage());
      // where it refuses, ftfy's encoding repair is what would have made the difference
      assertNotEquals(python.get(i).get(0), python.get(i).get(1), "ftfy repairs " + text);
    }
  }

  private static List<String> python(String mode, List<String> texts) throws Exception {
    return python(mode, texts, new TypeReference<>() {});
  }

  private static <T> List<T> python(String mode, List<String> texts, TypeReference<List<T>> type)
      throws Exception {
    String python =
        TestData.pythonWithNumpy()
            .orElseThrow(
                () -> new org.opentest4j.TestAbortedException("no /usr/bin/python3: skipped"));
    Process p = new ProcessBuilder(python, "-c", SCRIPT, mode).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(JSON.writeValueAsBytes(texts));
    }
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "python timed out");
    assertEquals(0, p.exitValue(), err);
    return JSON.readValue(out, type);
  }
}
