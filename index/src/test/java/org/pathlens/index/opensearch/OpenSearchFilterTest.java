package org.pathlens.index.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.TermQuery;
import org.junit.jupiter.api.Test;
import org.pathlens.index.TileFilter;

/** Filters as parsed by {@link TileFilter}, in the OpenSearch query DSL that selects the same. */
class OpenSearchFilterTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final String NONE = "{'bool': {'must_not': [{'match_all': {}}]}}";

  @Test
  void metadataTermsCombine() throws Exception {
    assertTranslates(
        "site:center-a AND label:(TUM OR NORM) AND NOT slide_id:S-07",
        """
        {'bool': {
          'must': [
            {'term': {'site': {'value': 'center-a'}}},
            {'bool': {'should': [
              {'term': {'label': {'value': 'TUM'}}},
              {'term': {'label': {'value': 'NORM'}}}]}}],
          'must_not': [{'term': {'slide_id': {'value': 'S-07'}}}]}}
        """);
    assertTranslates(
        "label:TUM OR label:NORM",
        """
        {'bool': {'should': [
          {'term': {'label': {'value': 'TUM'}}},
          {'term': {'label': {'value': 'NORM'}}}]}}
        """);
  }

  /** Only negations keep everything else: the match-all filter TileFilter adds comes along. */
  @Test
  void negationsKeepTheRest() throws Exception {
    assertTranslates(
        "-label:BACK",
        """
        {'bool': {
          'must_not': [{'term': {'label': {'value': 'BACK'}}}],
          'filter': [{'match_all': {}}]}}
        """);
    assertTranslates(
        TileFilter.ALL.excludingSlide("S-1"),
        """
        {'bool': {
          'filter': [{'match_all': {}}],
          'must_not': [{'term': {'slide_id': {'value': 'S-1'}}}]}}
        """);
    assertEquals(MAPPER.readTree("{\"match_all\": {}}"), translate(TileFilter.ALL));
  }

  /** The parser has made bounds inclusive; open ends are left out; equal bounds are a term. */
  @Test
  void numericRanges() throws Exception {
    assertTranslates("x:[0 TO 4096]", "{'range': {'x': {'gte': 0, 'lte': 4096}}}");
    assertTranslates("x:{0 TO 4096}", "{'range': {'x': {'gte': 1, 'lte': 4095}}}");
    assertTranslates("mpp:[0.4 TO 0.6]", "{'range': {'mpp': {'gte': 0.4, 'lte': 0.6}}}");
    assertTranslates("x:[100 TO *]", "{'range': {'x': {'gte': 100}}}");
    assertTranslates("y:[* TO *]", "{'range': {'y': {}}}");
    assertTranslates("x:5", "{'term': {'x': {'value': 5}}}");
    assertTranslates(
        "mpp:{* TO 1}",
        "{'range': {'mpp': {'gte': -1.7976931348623157E308, 'lte': 0.9999999999999999}}}");
    assertTranslates("mpp:NaN", NONE); // OpenSearch holds finite doubles only
  }

  @Test
  void keywordRanges() throws Exception {
    assertTranslates("site:[a TO m}", "{'range': {'site': {'gte': 'a', 'lt': 'm'}}}");
    assertTranslates("site:{a TO *]", "{'range': {'site': {'gt': 'a'}}}");
  }

  /** Caption terms are the analyser's tokens already: term-level queries take them as they are. */
  @Test
  void captionText() throws Exception {
    assertTranslates("tumor", "{'term': {'caption': {'value': 'tumor'}}}");
    assertTranslates(
        "caption:\"tumor cells\"",
        "{'match_phrase': {'caption': {'query': 'tumor cells', 'slop': 0}}}");
    assertTranslates(
        "caption:\"Tumor-cells\"~2",
        "{'match_phrase': {'caption': {'query': 'tumor cells', 'slop': 2}}}");
    assertTranslates("caption:tum*", "{'prefix': {'caption': {'value': 'tum'}}}");
    assertTranslates(
        "caption:tumr~1",
        """
        {'fuzzy': {'caption': {
          'value': 'tumr', 'fuzziness': 1, 'prefix_length': 0, 'transpositions': true,
          'max_expansions': 50}}}
        """);
  }

  @Test
  void wildcardsKeepLuceneSyntax() throws Exception {
    assertTranslates("site:cent?r-a", "{'wildcard': {'site': {'value': 'cent?r-a'}}}");
    assertTranslates("slide_id:*-07", "{'wildcard': {'slide_id': {'value': '*-07'}}}");
  }

  /** OpenSearch caps a minimum at the optional clauses there are; Lucene then matches nothing. */
  @Test
  void minimumShouldMatch() throws Exception {
    assertTranslates(
        "label:(A B C)@2",
        """
        {'bool': {
          'should': [
            {'term': {'label': {'value': 'A'}}},
            {'term': {'label': {'value': 'B'}}},
            {'term': {'label': {'value': 'C'}}}],
          'minimum_should_match': 2}}
        """);
    assertTranslates("label:(A B)@3", NONE);
  }

  /** Where OpenSearch reads a bool or phrase differently from Lucene, the JSON says Lucene's. */
  @Test
  void booleansAndPhrasesOpenSearchReadsDifferently() throws Exception {
    BooleanQuery onlyNegation =
        new BooleanQuery.Builder()
            .add(new TermQuery(new Term("label", "BACK")), Occur.MUST_NOT)
            .build();
    assertEquals(
        json(
            """
            {'bool': {
              'must_not': [{'term': {'label': {'value': 'BACK'}}}],
              'adjust_pure_negative': false}}
            """),
        OpenSearchFilter.toQuery(onlyNegation));
    assertEquals(json(NONE), OpenSearchFilter.toQuery(new BooleanQuery.Builder().build()));
    PhraseQuery gap =
        new PhraseQuery.Builder()
            .add(new Term("caption", "tumor"), 0)
            .add(new Term("caption", "cells"), 2)
            .build();
    assertEquals(
        json(
            """
            {'span_near': {
              'clauses': [
                {'span_term': {'caption': 'tumor'}},
                {'span_gap': {'caption': 1}},
                {'span_term': {'caption': 'cells'}}],
              'slop': 0, 'in_order': true}}
            """),
        OpenSearchFilter.toQuery(gap));
  }

  @Test
  void queriesWithoutAnOpenSearchFormAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> translate(TileFilter.parse("fn:ordered(tumor cells)")));
    assertEquals(
        "filter clause caption:ORDERED(tumor,cells) has no OpenSearch form", e.getMessage());
  }

  private static void assertTranslates(String filter, String expected) throws Exception {
    assertTranslates(TileFilter.parse(filter), expected);
  }

  private static void assertTranslates(TileFilter filter, String expected) throws Exception {
    assertEquals(json(expected), translate(filter), filter.toString());
  }

  private static JsonNode translate(TileFilter filter) {
    return OpenSearchFilter.toQuery(filter.luceneQuery());
  }

  /** JSON written with single quotes, for legibility. */
  private static JsonNode json(String text) throws Exception {
    return MAPPER.readTree(text.replace('\'', '"'));
  }
}
