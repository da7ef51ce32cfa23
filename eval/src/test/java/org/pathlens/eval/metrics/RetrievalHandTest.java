package org.pathlens.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Retrieval metrics on rankings small enough to score by hand. */
class RetrievalHandTest {

  // Candidates 0..4 with classes A A B B C.
  static final String[] CANDIDATES = {"A", "A", "B", "B", "C"};

  @Test
  void recallCountsThePartnerWithinTheFirstK() {
    int[][] rankings = {{2, 0, 1}, {1, 3, 4}, {4, 3, 2}};
    int[] targets = {0, 1, 0};
    assertArrayEquals(new double[] {0, 1, 0}, Retrieval.recallAtK(rankings, targets, 1));
    assertArrayEquals(new double[] {1, 1, 0}, Retrieval.recallAtK(rankings, targets, 2));
    assertArrayEquals(new double[] {1, 1, 0}, Retrieval.recallAtK(rankings, targets, 10));
  }

  @Test
  void labelPrecisionIsTheShareOfHitsOfTheQuerysClass() {
    int[][] rankings = {{2, 0, 1}, {4, 3, 2}};
    String[] queries = {"A", "B"};
    // Query A: hits B A A -> 0, 1/2, 2/3. Query B: hits C B B -> 0, 1/2, 2/3.
    assertArrayEquals(
        new double[] {0, 0}, Retrieval.labelPrecisionAtK(rankings, queries, CANDIDATES, 1));
    assertArrayEquals(
        new double[] {0.5, 0.5}, Retrieval.labelPrecisionAtK(rankings, queries, CANDIDATES, 2));
    assertArrayEquals(
        new double[] {2 / 3.0, 2 / 3.0},
        Retrieval.labelPrecisionAtK(rankings, queries, CANDIDATES, 5),
        1e-12);
  }

  @Test
  void majorityVoteBreaksTiesByTheFirstSeenClass() {
    // Query A, hits B A A C B -> A 2, B 2: tie, B seen first -> wrong.
    // Query A, hits A B B A C -> A 2, B 2: tie, A seen first -> right.
    // Query B, hits B B A C A -> B wins outright.
    int[][] rankings = {{2, 0, 1, 4, 3}, {0, 2, 3, 1, 4}, {2, 3, 0, 4, 1}};
    String[] queries = {"A", "A", "B"};
    assertArrayEquals(
        new double[] {0, 1, 1}, Retrieval.majorityVoteAtK(rankings, queries, CANDIDATES, 5));
    // At k = 1 only the first hit votes.
    assertArrayEquals(
        new double[] {0, 1, 1}, Retrieval.majorityVoteAtK(rankings, queries, CANDIDATES, 1));
  }

  @Test
  void averagePrecisionAveragesPrecisionAtTheRelevantRanks() {
    // Hits B A A C B for query A: relevant at ranks 2 and 3 -> (1/2 + 2/3) / 2 = 7/12.
    // Hits A B B A C for query A: ranks 1 and 4 -> (1 + 2/4) / 2 = 3/4.
    // Hits C for query A: nothing relevant -> 0.
    int[][] rankings = {{2, 0, 1, 4, 3}, {0, 2, 3, 1, 4}, {4}};
    String[] queries = {"A", "A", "A"};
    assertArrayEquals(
        new double[] {7 / 12.0, 0.75, 0},
        Retrieval.averagePrecisionAtK(rankings, queries, CANDIDATES, 5),
        1e-12);
    // At k = 2 the first ranking has only rank 2: 1/2.
    assertEquals(0.5, Retrieval.averagePrecisionAtK(rankings, queries, CANDIDATES, 2)[0], 1e-12);
  }

  @Test
  void accuracyAtKIsAnyHitOfTheQuerysClass() {
    // Query A: hits B A ... -> right from k = 2. Query B: hits C A A -> never.
    int[][] rankings = {{2, 0, 1}, {4, 0, 1}};
    String[] queries = {"A", "B"};
    assertArrayEquals(new double[] {0, 0}, Retrieval.accuracyAtK(rankings, queries, CANDIDATES, 1));
    assertArrayEquals(new double[] {1, 0}, Retrieval.accuracyAtK(rankings, queries, CANDIDATES, 2));
  }

  @Test
  void pathoBenchsMajorityVoteCountsATieForEveryTiedClass() {
    // Query A, hits B A A C B -> A 2, B 2: a tie that includes A -> right (SISH: wrong).
    // Query C, hits B A A C B -> C has 1 < 2 -> wrong.
    // Query A, hits B C -> B 1, C 1: a tie without A -> wrong.
    int[][] rankings = {{2, 0, 1, 4, 3}, {2, 0, 1, 4, 3}, {2, 4}};
    String[] queries = {"A", "C", "A"};
    assertArrayEquals(
        new double[] {1, 0, 0},
        Retrieval.majorityVoteWithTiesAtK(rankings, queries, CANDIDATES, 5));
    // SISH's rule gives the first tie to B, seen first.
    assertArrayEquals(
        new double[] {0, 0, 0}, Retrieval.majorityVoteAtK(rankings, queries, CANDIDATES, 5));
    // At k = 3: A 2, B 1 -> A wins outright.
    assertEquals(1, Retrieval.majorityVoteWithTiesAtK(rankings, queries, CANDIDATES, 3)[0]);
  }

  @Test
  void pathoBenchsAveragePrecisionDividesByK() {
    // Hits B A A C B for query A: precision 1/2 and 2/3 at ranks 2 and 3 -> (1/2 + 2/3) / 5.
    int[][] rankings = {{2, 0, 1, 4, 3}, {4}};
    String[] queries = {"A", "A"};
    assertArrayEquals(
        new double[] {(0.5 + 2 / 3.0) / 5, 0},
        Retrieval.averagePrecisionOverK(rankings, queries, CANDIDATES, 5),
        1e-12);
    // SISH's divides by the 2 hits instead.
    assertEquals(
        (0.5 + 2 / 3.0) / 2,
        Retrieval.averagePrecisionAtK(rankings, queries, CANDIDATES, 5)[0],
        1e-12);
    assertEquals(
        0.5 / 2, Retrieval.averagePrecisionOverK(rankings, queries, CANDIDATES, 2)[0], 1e-12);
  }

  @Test
  void kMustBePositive() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Retrieval.recallAtK(new int[][] {{0}}, new int[] {0}, 0));
  }

  @Test
  void meanIntervalsResampleGroupsWithAFixedSeed() {
    double[] scores = {1, 1, 0, 0, 1, 0};
    Bootstrap b = new Bootstrap(500, 3, 0.95);
    Bootstrap.Interval byItem = b.meanIntervals(List.of(scores), null).getFirst();
    assertEquals(0.5, byItem.estimate(), 1e-12);
    assertTrue(byItem.lower() < 0.5 && byItem.upper() > 0.5, byItem.toString());
    assertEquals(byItem, b.meanIntervals(List.of(scores), null).getFirst());
    // Two groups of uniform scores: a resample takes whole groups, so its mean is 0, 1/2 or 1.
    String[] groups = {"g1", "g1", "g1", "g2", "g2", "g2"};
    double[] grouped = {1, 1, 1, 0, 0, 0};
    Bootstrap.Interval byGroup = b.meanIntervals(List.of(grouped), groups).getFirst();
    assertEquals(0, byGroup.lower(), 1e-12);
    assertEquals(1, byGroup.upper(), 1e-12);
  }
}
