package org.pathlens.index.lucene;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.FilterIndexOutput;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;

/**
 * A directory on a disk that fills up: once {@code budget} bytes are written in all, every further
 * write fails as a full disk does ({@code IOException: No space left on device}). Deleting files
 * gives no space back, as on a disk that other writers fill. Used because a real full disk needs a
 * mount this test cannot make; the failure reaches Lucene at the same call a real one does.
 */
final class FullDisk extends FilterDirectory {

  private final AtomicLong left;

  FullDisk(Directory in, long budget) {
    super(in);
    this.left = new AtomicLong(budget);
  }

  void setBudget(long budget) {
    left.set(budget);
  }

  @Override
  public IndexOutput createOutput(String name, IOContext context) throws IOException {
    return new Budgeted(in.createOutput(name, context));
  }

  @Override
  public IndexOutput createTempOutput(String prefix, String suffix, IOContext context)
      throws IOException {
    return new Budgeted(in.createTempOutput(prefix, suffix, context));
  }

  private final class Budgeted extends FilterIndexOutput {

    Budgeted(IndexOutput out) {
      super("full disk", out.getName(), out);
    }

    private void spend(long bytes) throws IOException {
      if (left.addAndGet(-bytes) < 0) {
        throw new IOException("No space left on device");
      }
    }

    @Override
    public void writeByte(byte b) throws IOException {
      spend(1);
      out.writeByte(b);
    }

    @Override
    public void writeBytes(byte[] b, int offset, int length) throws IOException {
      spend(length);
      out.writeBytes(b, offset, length);
    }
  }
}
