package org.pathlens.index;

import java.util.Optional;

/**
 * The partial answers one request chose to accept ({@link TileIndex#allowingPartial}): each read
 * that fewer shards answered than the index has, or that timed out, is noted here so the answer can
 * be marked partial, with how many shards it came from. A request that accepts nothing partial has
 * no {@code PartialReads}: its reads are refused instead ({@link IndexUnavailableException}).
 *
 * <p>A request may read several times (a text search and its reference, facets and a count): the
 * least complete read is the one reported, since the answer is no more whole than its worst part.
 */
public final class PartialReads {

  /**
   * How whole a read was.
   *
   * @param answered shards that answered (or were skipped as holding nothing that could match)
   * @param total shards of the index
   * @param timedOut whether the cluster stopped waiting for some shards
   */
  public record Shards(int answered, int total, boolean timedOut) {

    /** Whether fewer shards answered than the index has, or some of them ran out of time. */
    public boolean partial() {
      return answered < total || timedOut;
    }
  }

  private Shards worst;

  /** Notes a read; a whole one changes nothing. */
  public synchronized void note(Shards read) {
    if (!read.partial()) {
      return;
    }
    if (worst == null) {
      worst = read;
      return;
    }
    // Fewest shards answered (as a share of the total) first; a timeout marks any of them.
    boolean fewer = (long) read.answered() * worst.total() < (long) worst.answered() * read.total();
    Shards least = fewer ? read : worst;
    worst = new Shards(least.answered(), least.total(), worst.timedOut() || read.timedOut());
  }

  /** The least complete partial read noted, or empty when every read was whole. */
  public synchronized Optional<Shards> partial() {
    return Optional.ofNullable(worst);
  }

  /**
   * Refuses a partial read's "no tiles" for a slide: a slide's tiles share a shard, and a count of
   * zero from the shards that answered may only mean theirs did not. Does nothing when {@code
   * tiles} is positive or every read was whole.
   *
   * @throws IndexUnavailableException when the slide's tiles may be on a shard that did not answer
   */
  public void requireSlideSeen(String slideId, int tiles) throws IndexUnavailableException {
    Optional<Shards> shards = partial();
    if (tiles == 0 && shards.isPresent()) {
      throw new IndexUnavailableException(
          "no tiles of slide '"
              + slideId
              + "' in the "
              + shards.get().answered()
              + " of "
              + shards.get().total()
              + " shards that answered: they may be on a shard that did not; retry once the"
              + " cluster is whole");
    }
  }
}
