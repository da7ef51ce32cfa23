package org.pathlens.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.MultiPhraseQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PointRangeQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SynonymQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.TopTermsRewrite;
import org.apache.lucene.search.WildcardQuery;

/**
 * A tile filter as OpenSearch query DSL, for an index mapped as PathLens's Lucene index is built:
 * metadata as {@code keyword}, {@code caption} as {@code text} with the {@code standard} analyzer,
 * {@code x} and {@code y} as {@code integer}, {@code mpp} as {@code double}.
 *
 * <p>The translation is structural, clause by clause, so that both backends select the same tiles;
 * it neither re-parses nor re-analyses the filter's text, and it does not check what a filter may
 * ask: {@code TileFilter.parse} has validated the query before it gets here. Where OpenSearch reads
 * a clause differently from Lucene (an empty or purely negative {@code bool}, a minimum that caps
 * at the number of optional clauses, non-finite doubles) the JSON says what Lucene selects.
 */
public final class OpenSearchFilter {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** The analysed full-text field: the only one indexed with positions. */
  private static final String TEXT_FIELD = "caption";

  /** Fields indexed as points only: a term, prefix or phrase of them matches no tile in Lucene. */
  private static final Set<String> INT_FIELDS = Set.of("x", "y");

  private static final String DOUBLE_FIELD = "mpp";

  private OpenSearchFilter() {}

  /** The query selecting the tiles {@code query} selects; null (every tile) is match_all. */
  public static ObjectNode toQuery(Query query) {
    return switch (query) {
      case null -> matchAll();
      case BooleanQuery bool -> bool(bool);
      case BoostQuery boost -> toQuery(boost.getQuery()); // scores play no part in a filter
      case MatchAllDocsQuery all -> matchAll();
      case MatchNoDocsQuery none -> matchNone();
      case TermQuery term -> term(term.getTerm());
      case PhraseQuery phrase -> phrase(phrase);
      case MultiPhraseQuery phrase -> multiPhrase(phrase);
      case SynonymQuery synonyms -> anyTerm(synonyms.getField(), synonyms.getTerms());
      case PrefixQuery prefix -> termLevel("prefix", prefix.getPrefix());
      case WildcardQuery wildcard -> termLevel("wildcard", wildcard.getTerm()); // same \ escapes
      case FuzzyQuery fuzzy -> fuzzy(fuzzy);
      case TermRangeQuery range -> termRange(range);
      case PointRangeQuery range -> pointRange(range);
      default -> throw unsupported(query);
    };
  }

  private static ObjectNode bool(BooleanQuery query) {
    List<BooleanClause> clauses = query.clauses();
    long optional = clauses.stream().filter(c -> c.occur() == Occur.SHOULD).count();
    // Lucene matches nothing here; OpenSearch would match all (no clauses) or cap the minimum.
    if (clauses.isEmpty() || query.getMinimumNumberShouldMatch() > optional) {
      return matchNone();
    }
    ObjectNode bool = JSON.objectNode();
    for (BooleanClause clause : clauses) {
      String occur =
          switch (clause.occur()) {
            case MUST -> "must";
            case FILTER -> "filter";
            case SHOULD -> "should";
            case MUST_NOT -> "must_not";
          };
      ArrayNode list = bool.has(occur) ? (ArrayNode) bool.get(occur) : bool.putArray(occur);
      list.add(toQuery(clause.query()));
    }
    if (query.getMinimumNumberShouldMatch() > 0) {
      bool.put("minimum_should_match", query.getMinimumNumberShouldMatch());
    }
    if (clauses.stream().allMatch(c -> c.occur() == Occur.MUST_NOT)) {
      // Lucene matches nothing with only negations; OpenSearch would add a match_all.
      bool.put("adjust_pure_negative", false);
    }
    return wrap("bool", bool);
  }

  private static ObjectNode term(Term term) {
    return termLevel("term", term);
  }

  /** A term, prefix or wildcard clause; the value is taken as Lucene holds it, already analysed. */
  private static ObjectNode termLevel(String kind, Term term) {
    if (isPointField(term.field())) {
      return matchNone();
    }
    return field(kind, term.field(), JSON.objectNode().put("value", term.text()));
  }

  private static ObjectNode anyTerm(String field, List<Term> terms) {
    if (terms.isEmpty() || isPointField(field)) {
      return matchNone();
    }
    if (terms.size() == 1) {
      return term(terms.getFirst());
    }
    ArrayNode should = JSON.arrayNode();
    terms.forEach(t -> should.add(term(t)));
    return wrap("bool", JSON.objectNode().set("should", should));
  }

  /**
   * A phrase on the caption: {@code match_phrase} re-analyses the terms, which as standard-analyzer
   * tokens read back as themselves at consecutive positions; a phrase with gaps is an exact {@code
   * span_near} (slop 0 only: a sloppy phrase also matches out of order, which spans cannot).
   */
  private static ObjectNode phrase(PhraseQuery phrase) {
    Term[] terms = phrase.getTerms();
    if (terms.length == 0 || isPointField(phrase.getField())) {
      return matchNone();
    }
    if (terms.length == 1) {
      return term(terms[0]);
    }
    if (!TEXT_FIELD.equals(phrase.getField())) {
      throw unsupported(phrase); // keyword fields have no positions: Lucene refuses it too
    }
    int[] positions = phrase.getPositions();
    if (consecutive(positions)) {
      StringBuilder text = new StringBuilder(terms[0].text());
      for (int i = 1; i < terms.length; i++) {
        text.append(' ').append(terms[i].text());
      }
      ObjectNode body =
          JSON.objectNode().put("query", text.toString()).put("slop", phrase.getSlop());
      return field("match_phrase", phrase.getField(), body);
    }
    if (phrase.getSlop() != 0 || !increasing(positions)) {
      throw unsupported(phrase);
    }
    ArrayNode clauses = JSON.arrayNode();
    for (int i = 0; i < terms.length; i++) {
      addGap(clauses, phrase.getField(), positions, i);
      clauses.add(field("span_term", phrase.getField(), JSON.textNode(terms[i].text())));
    }
    return spanNear(clauses);
  }

  private static ObjectNode multiPhrase(MultiPhraseQuery phrase) {
    Term[][] terms = phrase.getTermArrays();
    if (terms.length == 0 || Arrays.stream(terms).anyMatch(any -> any.length == 0)) {
      return matchNone();
    }
    if (terms.length == 1) {
      return anyTerm(terms[0][0].field(), List.of(terms[0]));
    }
    String field = terms[0][0].field();
    if (isPointField(field)) {
      return matchNone();
    }
    int[] positions = phrase.getPositions();
    if (!TEXT_FIELD.equals(field) || phrase.getSlop() != 0 || !increasing(positions)) {
      throw unsupported(phrase);
    }
    ArrayNode clauses = JSON.arrayNode();
    for (int i = 0; i < terms.length; i++) {
      addGap(clauses, field, positions, i);
      if (terms[i].length == 1) {
        clauses.add(field("span_term", field, JSON.textNode(terms[i][0].text())));
      } else {
        ArrayNode any = JSON.arrayNode();
        for (Term term : terms[i]) {
          any.add(field("span_term", field, JSON.textNode(term.text())));
        }
        clauses.add(wrap("span_or", JSON.objectNode().set("clauses", any)));
      }
    }
    return spanNear(clauses);
  }

  private static void addGap(ArrayNode clauses, String field, int[] positions, int i) {
    if (i > 0 && positions[i] - positions[i - 1] > 1) {
      clauses.add(field("span_gap", field, JSON.numberNode(positions[i] - positions[i - 1] - 1)));
    }
  }

  private static ObjectNode spanNear(ArrayNode clauses) {
    ObjectNode near = JSON.objectNode();
    near.set("clauses", clauses);
    near.put("slop", 0).put("in_order", true);
    return wrap("span_near", near);
  }

  private static boolean consecutive(int[] positions) {
    for (int i = 1; i < positions.length; i++) {
      if (positions[i] != positions[i - 1] + 1) {
        return false;
      }
    }
    return true;
  }

  private static boolean increasing(int[] positions) {
    for (int i = 1; i < positions.length; i++) {
      if (positions[i] <= positions[i - 1]) {
        return false;
      }
    }
    return true;
  }

  /** Both expand to the closest max_expansions terms: Lucene index-wide, OpenSearch per shard. */
  private static ObjectNode fuzzy(FuzzyQuery fuzzy) {
    if (isPointField(fuzzy.getField())) {
      return matchNone();
    }
    if (!(fuzzy.getRewriteMethod() instanceof TopTermsRewrite<?> expansions)) {
      throw unsupported(fuzzy);
    }
    ObjectNode body =
        JSON.objectNode()
            .put("value", fuzzy.getTerm().text())
            .put("fuzziness", fuzzy.getMaxEdits())
            .put("prefix_length", fuzzy.getPrefixLength())
            .put("transpositions", fuzzy.getTranspositions())
            .put("max_expansions", expansions.getSize());
    return field("fuzzy", fuzzy.getField(), body);
  }

  private static ObjectNode termRange(TermRangeQuery range) {
    if (isPointField(range.getField())) {
      return matchNone();
    }
    ObjectNode bounds = JSON.objectNode();
    if (range.getLowerTerm() != null) {
      bounds.put(range.includesLower() ? "gte" : "gt", range.getLowerTerm().utf8ToString());
    }
    if (range.getUpperTerm() != null) {
      bounds.put(range.includesUpper() ? "lte" : "lt", range.getUpperTerm().utf8ToString());
    }
    return field("range", range.getField(), bounds);
  }

  /**
   * A numeric range, bounds inclusive (the parser has moved exclusive ones by one step); a bound at
   * the end of the type's range is left out, and equal bounds are a term.
   */
  private static ObjectNode pointRange(PointRangeQuery range) {
    String field = range.getField();
    if (range.getNumDims() != 1) {
      throw unsupported(range);
    }
    if (INT_FIELDS.contains(field) && range.getBytesPerDim() == Integer.BYTES) {
      int lower = IntPoint.decodeDimension(range.getLowerPoint(), 0);
      int upper = IntPoint.decodeDimension(range.getUpperPoint(), 0);
      if (lower == upper) {
        return field("term", field, JSON.objectNode().put("value", lower));
      }
      ObjectNode bounds = JSON.objectNode();
      if (lower != Integer.MIN_VALUE) {
        bounds.put("gte", lower);
      }
      if (upper != Integer.MAX_VALUE) {
        bounds.put("lte", upper);
      }
      return field("range", field, bounds);
    }
    if (DOUBLE_FIELD.equals(field) && range.getBytesPerDim() == Double.BYTES) {
      double lower = DoublePoint.decodeDimension(range.getLowerPoint(), 0);
      double upper = DoublePoint.decodeDimension(range.getUpperPoint(), 0);
      // OpenSearch holds and compares finite doubles only. In Lucene's order NaN sorts above
      // +Infinity, so a range from NaN or +Infinity, or up to -Infinity, selects no finite value.
      if (Double.isNaN(lower)
          || lower == Double.POSITIVE_INFINITY
          || upper == Double.NEGATIVE_INFINITY) {
        return matchNone();
      }
      if (Double.compare(lower, upper) == 0) { // not ==: points order -0.0 below 0.0
        return field("term", field, JSON.objectNode().put("value", lower));
      }
      ObjectNode bounds = JSON.objectNode();
      if (lower != Double.NEGATIVE_INFINITY) {
        bounds.put("gte", lower);
      }
      if (Double.isFinite(upper)) {
        bounds.put("lte", upper);
      }
      return field("range", field, bounds);
    }
    throw unsupported(range);
  }

  private static boolean isPointField(String field) {
    return INT_FIELDS.contains(field) || DOUBLE_FIELD.equals(field);
  }

  private static ObjectNode matchAll() {
    return wrap("match_all", JSON.objectNode());
  }

  /** No tile: OpenSearch's form of Lucene's MatchNoDocsQuery. */
  private static ObjectNode matchNone() {
    ObjectNode bool = JSON.objectNode();
    bool.putArray("must_not").add(matchAll());
    return wrap("bool", bool);
  }

  private static ObjectNode field(String kind, String field, JsonNode body) {
    ObjectNode fields = JSON.objectNode();
    fields.set(field, body);
    return wrap(kind, fields);
  }

  private static ObjectNode wrap(String kind, ObjectNode body) {
    ObjectNode query = JSON.objectNode();
    query.set(kind, body);
    return query;
  }

  private static IllegalArgumentException unsupported(Query q) {
    return new IllegalArgumentException("filter clause " + q + " has no OpenSearch form");
  }
}
