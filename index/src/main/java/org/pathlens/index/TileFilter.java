package org.pathlens.index;

import java.text.NumberFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.queryparser.flexible.core.QueryNodeException;
import org.apache.lucene.queryparser.flexible.standard.StandardQueryParser;
import org.apache.lucene.queryparser.flexible.standard.config.PointsConfig;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.automaton.ByteRunAutomaton;

/**
 * Which tiles a search may return, written in Lucene's query syntax over the metadata fields:
 * {@code site:center-a AND label:(TUM OR NORM) AND NOT slide_id:S-07}, {@code -label:BACK}, {@code
 * x:[0 TO 4096]}, {@code mpp:[0.4 TO 0.6]}. Ids and metadata values are matched whole (a keyword
 * analyzer, so {@code slide_id:S-07} is not split at the hyphen); {@code caption} and bare words
 * are analysed full text. A filter of only negations keeps everything else.
 *
 * <p>What a filter may cost is bounded, since clients of the API write them: at most {@value
 * #MAX_LENGTH} characters and {@value #MAX_CLAUSES} terms, phrases, prefixes and ranges; no regular
 * expressions; no leading wildcard ({@code *osis}) on caption text; no server paths ({@code
 * source}) or internal fields.
 */
public final class TileFilter {

  /** The longest filter accepted, in characters. */
  public static final int MAX_LENGTH = 2000;

  /** The most terms, phrases, prefixes and ranges a filter may combine. */
  public static final int MAX_CLAUSES = 64;

  /** Every tile. */
  public static final TileFilter ALL = new TileFilter("*", null);

  private final String text;
  private final Query query;

  private TileFilter(String text, Query query) {
    this.text = text;
    this.query = query;
  }

  /**
   * Parses a filter; a blank text keeps every tile. Errors name the filter and the parser's reason.
   */
  public static TileFilter parse(String text) {
    if (text == null || text.isBlank()) {
      return ALL;
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "bad filter of "
              + text.length()
              + " characters: at most "
              + MAX_LENGTH
              + " (select by fewer values, or by a range)");
    }
    StandardQueryParser parser = new StandardQueryParser(ANALYZER);
    NumberFormat plain = NumberFormat.getNumberInstance(Locale.ROOT);
    plain.setGroupingUsed(false);
    parser.setPointsConfigMap(
        Map.of(
            TileFields.X, new PointsConfig(plain, Integer.class),
            TileFields.Y, new PointsConfig(plain, Integer.class),
            TileFields.MPP, new PointsConfig(plain, Double.class)));
    parser.setAllowLeadingWildcard(true);
    if (hasRegularExpression(text)) { // refused before parsing: the parser compiles them
      throw new IllegalArgumentException(
          "bad filter '"
              + text
              + "': regular expressions (/.../) are not allowed; use words, phrases, prefixes (word*)"
              + " or ranges (a literal slash: \\/ or inside quotes)");
    }
    String unbalanced = unbalanced(text);
    if (unbalanced != null) {
      throw new IllegalArgumentException("bad filter '" + text + "': " + unbalanced);
    }
    Query parsed;
    try {
      parsed = parser.parse(text, TileFields.CAPTION);
    } catch (QueryNodeException | RuntimeException e) {
      throw new IllegalArgumentException(
          "bad filter '" + text + "': " + plainWords(String.valueOf(e.getMessage())), e);
    }
    requireMetadataOnly(parsed, text);
    return new TileFilter(text, keepAllBesideNegations(parsed));
  }

  /**
   * What is left open in {@code text}, in plain words (a quote, a parenthesis, a range bracket), or
   * null: the parser's own message for these is a list of the tokens it expected.
   */
  private static String unbalanced(String text) {
    boolean quoted = false;
    int parens = 0;
    int brackets = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted) {
        switch (c) {
          case '(' -> parens++;
          case ')' -> parens--;
          case '[', '{' -> brackets++;
          case ']', '}' -> brackets--;
          default -> {}
        }
        if (parens < 0) {
          return "a ')' at position " + (i + 1) + " closes nothing";
        }
      }
    }
    if (quoted) {
      return "a quote (\") is not closed";
    }
    if (parens > 0) {
      return parens == 1 ? "a '(' is not closed" : parens + " '(' are not closed";
    }
    if (brackets != 0) {
      return "a range is not closed: write it as field:[low TO high]";
    }
    return null;
  }

  /** The parser's message without its list of expected tokens (the position is kept). */
  private static String plainWords(String message) {
    int expecting = message.indexOf("Was expecting");
    String first = (expecting < 0 ? message : message.substring(0, expecting)).strip();
    return first.replace("Syntax Error, cannot parse", "cannot read").replace('\n', ' ');
  }

  /** True when {@code text} has a slash that is neither escaped nor inside a quoted phrase. */
  private static boolean hasRegularExpression(String text) {
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++; // the next character is literal
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == '/' && !quoted) {
        return true;
      }
    }
    return false;
  }

  /** Fields a filter may not name: where a tile's file lies on the server, and the vectors. */
  static final Set<String> HIDDEN =
      Set.of(TileFields.SOURCE, TileFields.EMBEDDING, TileFields.EMBEDDING_RAW, TileFields.FEATURE);

  /**
   * A filter selects by metadata: it may not ask about server paths ({@code source}) or internal
   * fields (the vectors, anything starting with {@code _}), and may not hold regular expressions,
   * whose matching cost a client could make unbounded.
   */
  private static void requireMetadataOnly(Query query, String text) {
    int[] clauses = {0};
    query.visit(
        new QueryVisitor() {
          @Override
          public void consumeTerms(Query leaf, Term... terms) {
            count(leaf);
          }

          @Override
          public void visitLeaf(Query leaf) {
            count(leaf);
          }

          private void count(Query leaf) {
            if (++clauses[0] > MAX_CLAUSES) {
              throw new IllegalArgumentException(
                  "bad filter '"
                      + text
                      + "': more than "
                      + MAX_CLAUSES
                      + " terms, phrases, prefixes and ranges (select by a range, or split the"
                      + " search)");
            }
          }

          @Override
          public boolean acceptField(String field) {
            if (HIDDEN.contains(field) || field.startsWith("_")) {
              throw new IllegalArgumentException(
                  "bad filter '" + text + "': field '" + field + "' cannot be filtered on");
            }
            return true;
          }

          @Override
          public void consumeTermsMatching(
              Query leaf, String field, Supplier<ByteRunAutomaton> automaton) {
            count(leaf);
            if (leaf instanceof RegexpQuery) {
              throw new IllegalArgumentException(
                  "bad filter '"
                      + text
                      + "': regular expressions (/.../) are not allowed; use words,"
                      + " phrases, prefixes (word*) or ranges");
            }
            if (leaf instanceof WildcardQuery wildcard
                && TileFields.CAPTION.equals(field)
                && startsWithWildcard(wildcard.getTerm().text())) {
              // A leading wildcard walks every word of every caption: unbounded in a large index.
              // Metadata fields hold few distinct values, so there it stays allowed.
              throw new IllegalArgumentException(
                  "bad filter '"
                      + text
                      + "': '"
                      + wildcard.getTerm().text()
                      + "' starts with a wildcard, not allowed on caption text; put letters"
                      + " first (fib*)");
            }
          }

          @Override
          public QueryVisitor getSubVisitor(Occur occur, Query parent) {
            return this;
          }
        });
  }

  private static boolean startsWithWildcard(String pattern) {
    return pattern.startsWith("*") || pattern.startsWith("?");
  }

  /** One tile, by id. */
  public static TileFilter id(String tileId) {
    return new TileFilter(
        TileFields.ID + ":" + tileId, new TermQuery(new Term(TileFields.ID, tileId)));
  }

  /** The tiles of one slide. */
  public static TileFilter slide(String slideId) {
    return new TileFilter(
        TileFields.SLIDE_ID + ":" + slideId, new TermQuery(new Term(TileFields.SLIDE_ID, slideId)));
  }

  /**
   * The tiles whose metadata field {@code field} holds exactly {@code value}, spaces and colons
   * included ({@code region_class} "Tumor: Positive"), with no query syntax to escape.
   */
  public static TileFilter keyword(String field, String value) {
    if (HIDDEN.contains(field) || field.startsWith("_")) {
      throw new IllegalArgumentException("field '" + field + "' cannot be filtered on");
    }
    String quoted = "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    return new TileFilter(field + ":" + quoted, new TermQuery(new Term(field, value)));
  }

  /** The tiles that pass both this filter and {@code other}. */
  public TileFilter and(TileFilter other) {
    if (other.keepsAll()) {
      return this;
    }
    if (keepsAll()) {
      return other;
    }
    BooleanQuery.Builder both =
        new BooleanQuery.Builder().add(query, Occur.FILTER).add(other.query, Occur.FILTER);
    return new TileFilter("(" + text + ") AND (" + other.text + ")", both.build());
  }

  /** This filter without the tiles of {@code slideId}. */
  public TileFilter excludingSlide(String slideId) {
    BooleanQuery.Builder both =
        new BooleanQuery.Builder()
            .add(query == null ? new MatchAllDocsQuery() : query, Occur.FILTER)
            .add(new TermQuery(new Term(TileFields.SLIDE_ID, slideId)), Occur.MUST_NOT);
    return new TileFilter(
        "(" + text + ") AND NOT " + TileFields.SLIDE_ID + ":" + slideId, both.build());
  }

  /** The Lucene query, or null for {@link #ALL}. */
  /**
   * The parsed filter as a Lucene query, or null for {@link #ALL}: what the embedded backend runs
   * and another backend translates.
   */
  public Query luceneQuery() {
    return query;
  }

  /** The fields the filter names, sorted. */
  public Set<String> fields() {
    Set<String> named = new TreeSet<>();
    if (query != null) {
      query.visit(
          new QueryVisitor() {
            @Override
            public boolean acceptField(String field) {
              named.add(field);
              return true;
            }

            @Override
            public QueryVisitor getSubVisitor(Occur occur, Query parent) {
              return this;
            }
          });
    }
    return named;
  }

  /**
   * Refuses this filter if it names a field no tile has (a typo would otherwise match nothing, or
   * everything under NOT), listing the fields there are.
   *
   * @param known the fields the index's tiles have
   * @throws IllegalArgumentException naming the field and the known ones
   */
  public void requireKnownFields(Set<String> known) {
    for (String field : fields()) {
      if (!TileFields.RESERVED.contains(field) && !known.contains(field)) {
        Set<String> listed = new TreeSet<>(known);
        listed.remove(TileFields.EMBEDDING);
        throw new IllegalArgumentException(
            "filter '"
                + this
                + "' names field '"
                + field
                + "', which no tile has; fields: "
                + String.join(", ", listed));
      }
    }
  }

  public boolean keepsAll() {
    return query == null;
  }

  @Override
  public String toString() {
    return text;
  }

  /** The analyzers that indexed the fields: whole values everywhere but the caption. */
  public static final Analyzer ANALYZER =
      new PerFieldAnalyzerWrapper(
          new KeywordAnalyzer(), Map.of(TileFields.CAPTION, new StandardAnalyzer()));

  /**
   * Lucene matches nothing with a boolean query of only MUST_NOT clauses; a user writing {@code
   * -label:BACK} means "all but BACK", so such queries get a match-all clause, at any depth.
   */
  private static Query keepAllBesideNegations(Query query) {
    if (!(query instanceof BooleanQuery bool)) {
      return query;
    }
    BooleanQuery.Builder rebuilt =
        new BooleanQuery.Builder().setMinimumNumberShouldMatch(bool.getMinimumNumberShouldMatch());
    boolean onlyNegations = true;
    for (BooleanClause clause : bool.clauses()) {
      rebuilt.add(keepAllBesideNegations(clause.query()), clause.occur());
      onlyNegations &= clause.occur() == Occur.MUST_NOT;
    }
    if (onlyNegations) {
      rebuilt.add(new MatchAllDocsQuery(), Occur.FILTER);
    }
    return rebuilt.build();
  }

  /**
   * A caption search: text in Lucene syntax (plain words are OR-ed); text that does not parse (a
   * stray quote, "H&E:") is taken literally.
   */
  public static Query captionQuery(String text) {
    QueryParser parser = new QueryParser(TileFields.CAPTION, TileFilter.ANALYZER);
    try {
      return parser.parse(text);
    } catch (ParseException e) {
      try {
        return parser.parse(QueryParser.escape(text));
      } catch (ParseException stillBad) {
        throw new IllegalArgumentException(
            "bad caption query '" + text + "': " + stillBad.getMessage(), stillBad);
      }
    }
  }
}
