package org.pathlens.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a client's filter may ask: metadata, by words, prefixes and ranges; not paths, not regexes.
 */
class TileFilterTest {

  @Test
  void metadataFiltersParse() {
    for (String filter :
        new String[] {
          "label:TUM AND site:center-a",
          "x:[0 TO 1000] AND mpp:[0.4 TO 0.6]",
          "caption:fat*",
          "NOT slide_id:S-1",
          "\"smooth muscle\"",
          "batch_corrected:false",
          "id:tile-7",
          "slide_id:*-07",
          "caption:fib?osis"
        }) {
      TileFilter.parse(filter); // no exception
    }
  }

  /**
   * A keyword filter is the whole value, whatever it holds; its text parses back to the same query,
   * and joined filters keep both.
   */
  @Test
  void keywordFiltersMatchWholeValuesAndReadBackAsTheyMatch() {
    for (String value : new String[] {"Tumor: Positive", "a \"quoted\" name", "back\\slash", "x"}) {
      TileFilter keyword = TileFilter.keyword("region_class", value);
      assertEquals(
          new org.apache.lucene.search.TermQuery(
              new org.apache.lucene.index.Term("region_class", value)),
          keyword.luceneQuery());
      assertEquals(
          keyword.luceneQuery(), TileFilter.parse(keyword.toString()).luceneQuery(), value);
    }
    TileFilter both =
        TileFilter.parse("site:center-a").and(TileFilter.keyword("region_class", "Tumor"));
    assertEquals("(site:center-a) AND (region_class:\"Tumor\")", both.toString());
    assertEquals(java.util.Set.of("site", "region_class"), both.fields());
    assertEquals(both.toString(), TileFilter.ALL.and(both).toString());
    assertEquals(both.toString(), both.and(TileFilter.ALL).toString());
    assertThrows(IllegalArgumentException.class, () -> TileFilter.keyword("source", "/etc"));
  }

  @Test
  void serverPathsInternalFieldsAndRegularExpressionsAreRefusedByName() {
    Map<String, String> refused =
        Map.of(
            "source:\\/etc*", "field 'source' cannot be filtered on",
            "label:TUM AND NOT source:x", "field 'source' cannot be filtered on",
            "_id:1", "field '_id' cannot be filtered on",
            "embedding:x", "field 'embedding' cannot be filtered on",
            "caption:/[^a]{0,60000}b/", "regular expressions (/.../) are not allowed",
            "label:TUM OR /.*/", "regular expressions (/.../) are not allowed");
    refused.forEach(
        (filter, reason) -> {
          IllegalArgumentException e =
              assertThrows(IllegalArgumentException.class, () -> TileFilter.parse(filter));
          assertTrue(e.getMessage().startsWith("bad filter '" + filter + "': "), e.getMessage());
          assertTrue(e.getMessage().contains(reason), e.getMessage());
        });
  }

  /** Open quotes, parentheses and ranges are named in plain words, not as the parser's tokens. */
  @Test
  void unclosedPartsAreNamedInPlainWords() {
    Map<String, String> said =
        Map.of(
            "site:(center-a", "bad filter 'site:(center-a': a '(' is not closed",
            "label:TUM)", "bad filter 'label:TUM)': a ')' at position 10 closes nothing",
            "caption:\"fat cells", "bad filter 'caption:\"fat cells': a quote (\") is not closed",
            "x:[0 TO 10",
                "bad filter 'x:[0 TO 10': a range is not closed: write it as field:[low TO high]");
    said.forEach(
        (filter, message) ->
            assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> TileFilter.parse(filter))
                    .getMessage()));
    String other =
        assertThrows(IllegalArgumentException.class, () -> TileFilter.parse("site:")).getMessage();
    assertTrue(other.startsWith("bad filter 'site:': cannot read"), other);
    assertTrue(!other.contains("Was expecting"), other);
  }

  @Test
  void whatAFilterMayCostIsBounded() {
    String manyTerms =
        String.join(
            " OR ", java.util.stream.IntStream.range(0, 65).mapToObj(i -> "label:L" + i).toList());
    String nested = "(".repeat(900) + "label:TUM" + ")".repeat(900);
    Map<String, String> refused =
        Map.of(
            "caption:*osis",
            "'*osis' starts with a wildcard, not allowed on caption text",
            "?ibrosis",
            "'?ibrosis' starts with a wildcard",
            "label:TUM AND caption:*",
            "'*' starts with a wildcard",
            manyTerms,
            "more than 64 terms, phrases, prefixes and ranges");
    refused.forEach(
        (filter, reason) -> {
          IllegalArgumentException e =
              assertThrows(IllegalArgumentException.class, () -> TileFilter.parse(filter));
          assertTrue(e.getMessage().contains(reason), e.getMessage());
        });
    IllegalArgumentException tooLong =
        assertThrows(IllegalArgumentException.class, () -> TileFilter.parse("a".repeat(2001)));
    assertTrue(tooLong.getMessage().startsWith("bad filter of 2001 characters: at most 2000"));
    TileFilter.parse(
        String.join(
            " OR ", java.util.stream.IntStream.range(0, 64).mapToObj(i -> "label:L" + i).toList()));
    TileFilter.parse(nested); // deep nesting within the length limit costs the parser little
  }
}
