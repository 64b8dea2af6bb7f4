package dev.quiver.index.segment;

import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * The write-side codec of a segment: Lucene's default codec with HNSW parameters chosen per vector
 * field.
 *
 * <p>Reading needs none of this class, which is why it is not registered with Lucene's SPI: the
 * codec takes the default codec's name, so a segment records the default codec (for Lucene 10.6,
 * {@code Lucene104}) and {@code DirectoryReader.open} resolves that name to Lucene's own class. The
 * one format this codec changes, the vector format, is a {@link PerFieldKnnVectorsFormat}, which
 * records in each field's attributes the name of the format that wrote it ({@code
 * Lucene99HnswVectorsFormat}); the reader looks that name up in Lucene's SPI, and the HNSW
 * parameters matter only while the graph is built. So a segment reads back in any JVM with plain
 * lucene-core on the class path.
 */
final class SegmentCodec extends FilterCodec {
  private final KnnVectorsFormat vectors;

  SegmentCodec(SegmentSchema schema, WriteOptions options) {
    super(base().getName(), base());
    Map<String, KnnVectorsFormat> formats = new HashMap<>();
    for (SegmentField field : schema.fields()) {
      if (field.kind() == SegmentField.Kind.VECTOR) {
        WriteOptions.Hnsw hnsw = options.hnsw(field.name());
        // A threshold no segment reaches keeps the vectors flat: Lucene then searches them exactly.
        formats.put(
            field.name(),
            !options.hasGraph(field.name())
                ? new Lucene99HnswVectorsFormat(
                    hnsw.m(), hnsw.beamWidth(), 1, null, Integer.MAX_VALUE)
                : switch (hnsw.quantization()) {
                  case NONE -> new Lucene99HnswVectorsFormat(hnsw.m(), hnsw.beamWidth());
                  case INT8 -> quantized(ScalarEncoding.UNSIGNED_BYTE, hnsw);
                  case INT4 -> quantized(ScalarEncoding.PACKED_NIBBLE, hnsw);
                  case BINARY -> quantized(ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE, hnsw);
                });
      }
    }
    this.vectors =
        new PerFieldKnnVectorsFormat() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            KnnVectorsFormat format = formats.get(field);
            if (format == null) {
              throw new IllegalStateException(
                  "'" + field + "' is not a vector field of the schema");
            }
            return format;
          }

          @Override
          public int getMaxDimensions(String field) {
            return SegmentField.MAX_DIMENSION;
          }
        };
  }

  private static KnnVectorsFormat quantized(ScalarEncoding encoding, WriteOptions.Hnsw hnsw) {
    return new Lucene104HnswScalarQuantizedVectorsFormat(encoding, hnsw.m(), hnsw.beamWidth());
  }

  /**
   * The default codec as Lucene's SPI knows it, so that a default replaced by a codec unknown to
   * the SPI fails here rather than producing segments nobody can open.
   */
  private static Codec base() {
    return Codec.forName(Codec.getDefault().getName());
  }

  @Override
  public KnnVectorsFormat knnVectorsFormat() {
    return vectors;
  }
}
