package org.pathlens.index.features;

import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A two-dimensional numeric HDF5 dataset read in blocks of rows, so that a file of a million tiles
 * never sits in memory at once.
 *
 * <p>A chunked dataset (TRIDENT writes {@code features} and {@code coords} chunked, with maxshape
 * (None, …)) is read one row of chunks at a time from jhdf's decompressed chunks: jhdf 0.10.0's
 * sliced read ({@code Dataset.getData(offset, shape)}) of such a dataset returns zeros for every
 * row past the first chunk, silently (checked against h5py here), so it is never used for them. A
 * contiguous dataset is read by slices, which are right there.
 */
final class Hdf5Rows {

  /** Rows per block of a contiguous dataset. */
  private static final int CONTIGUOUS_BLOCK = 4096;

  /** Receives one block of rows: row {@code first + i} is {@code values[i]}. */
  interface DoubleBlock {
    void accept(long first, double[][] values) throws java.io.IOException;
  }

  private final Dataset dataset;
  private final String name;
  private final long rows;
  private final int columns;

  private Hdf5Rows(Dataset dataset, String name, long rows, int columns) {
    this.dataset = dataset;
    this.name = name;
    this.rows = rows;
    this.columns = columns;
  }

  /**
   * @param name how messages name the dataset ({@code file.h5: dataset 'features'})
   * @throws FeatureFileException when the dataset is not two-dimensional or not numeric
   */
  static Hdf5Rows of(Dataset dataset, String name) throws FeatureFileException {
    int[] dims = dataset.getDimensions();
    if (dims.length != 2) {
      throw new FeatureFileException(
          name + " has shape " + java.util.Arrays.toString(dims) + ", expected [rows, columns]");
    }
    DataType type = dataset.getDataType();
    boolean numeric =
        type instanceof FloatingPoint && (type.getSize() == 4 || type.getSize() == 8)
            || type instanceof FixedPoint fixed && fixed.isSigned() && type.getSize() <= 8;
    if (!numeric) {
      throw new FeatureFileException(
          name
              + " holds "
              + type.getClass().getSimpleName()
              + " of "
              + type.getSize()
              + " bytes; expected float32, float64 or signed integers");
    }
    return new Hdf5Rows(dataset, name, dims[0], dims[1]);
  }

  long rows() {
    return rows;
  }

  int columns() {
    return columns;
  }

  boolean isFloatingPoint() {
    return dataset.getDataType() instanceof FloatingPoint;
  }

  /** Every row, in order, in blocks. */
  void forEachBlock(DoubleBlock block) throws java.io.IOException {
    if (dataset instanceof ChunkedDataset chunked) {
      forEachChunkRow(chunked, block);
    } else {
      for (long first = 0; first < rows; first += CONTIGUOUS_BLOCK) {
        int count = (int) Math.min(CONTIGUOUS_BLOCK, rows - first);
        block.accept(
            first, toDoubles(dataset.getData(new long[] {first, 0}, new int[] {count, columns})));
      }
    }
  }

  private void forEachChunkRow(ChunkedDataset chunked, DoubleBlock block)
      throws java.io.IOException {
    int[] chunk = chunked.getChunkDimensions();
    DataType type = chunked.getDataType();
    int size = type.getSize();
    ByteOrder order =
        type instanceof FloatingPoint f ? f.getByteOrder() : ((FixedPoint) type).getByteOrder();
    for (long first = 0; first < rows; first += chunk[0]) {
      int count = (int) Math.min(chunk[0], rows - first);
      double[][] values = new double[count][columns];
      for (int col0 = 0; col0 < columns; col0 += chunk[1]) {
        byte[] bytes;
        try {
          bytes = chunked.getDecompressedChunk(new int[] {Math.toIntExact(first), col0});
        } catch (RuntimeException e) {
          throw new FeatureFileException(
              name + ": the chunk at row " + first + " cannot be read (" + e.getMessage() + ")");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(order);
        int width = Math.min(chunk[1], columns - col0);
        for (int r = 0; r < count; r++) {
          for (int c = 0; c < width; c++) {
            int at = (r * chunk[1] + c) * size;
            values[r][col0 + c] = read(buffer, at, type);
          }
        }
      }
      block.accept(first, values);
    }
  }

  private static double read(ByteBuffer buffer, int at, DataType type) {
    if (type instanceof FloatingPoint) {
      return type.getSize() == 4 ? buffer.getFloat(at) : buffer.getDouble(at);
    }
    return switch (type.getSize()) {
      case 1 -> buffer.get(at);
      case 2 -> buffer.getShort(at);
      case 4 -> buffer.getInt(at);
      default -> buffer.getLong(at);
    };
  }

  /** jhdf's arrays of a slice (float[][], double[][], long[][], int[][]...) as doubles. */
  private static double[][] toDoubles(Object data) {
    if (data instanceof float[][] floats) {
      double[][] out = new double[floats.length][];
      for (int i = 0; i < floats.length; i++) {
        out[i] = new double[floats[i].length];
        for (int j = 0; j < floats[i].length; j++) {
          out[i][j] = floats[i][j];
        }
      }
      return out;
    }
    if (data instanceof double[][] doubles) {
      return doubles;
    }
    int n = Array.getLength(data);
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      Object row = Array.get(data, i);
      int m = Array.getLength(row);
      out[i] = new double[m];
      for (int j = 0; j < m; j++) {
        out[i][j] = ((Number) Array.get(row, j)).doubleValue();
      }
    }
    return out;
  }
}
