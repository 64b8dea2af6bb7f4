package dev.quiver.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the time of a Quiver query goes: a JDK Flight Recorder recording of a query phase, with
 * {@code jdk.ExecutionSample} every millisecond (the default 10 or 20 ms gives too few samples),
 * and each sample put in the bucket of the innermost stack frame that belongs to one.
 *
 * <p>Frames of the JDK (collections, {@code java.*}) belong to no bucket, so a sample taken in a
 * {@code PriorityQueue} called by Quiver's executor counts for the executor. A frame is matched
 * against the buckets in the order of {@link #BUCKETS}, most specific package first.
 */
final class Profile {
  /** A bucket: its label in the report and the class-name prefixes that belong to it. */
  record Bucket(String label, List<String> prefixes) {
    boolean matches(String className) {
      return prefixes.stream().anyMatch(className::startsWith);
    }
  }

  static final List<Bucket> BUCKETS =
      List.of(
          new Bucket(
              "vector distance",
              List.of(
                  "org.apache.lucene.internal.vectorization.",
                  "org.apache.lucene.util.VectorUtil")),
          new Bucket("Lucene HNSW graph search", List.of("org.apache.lucene.util.hnsw.")),
          new Bucket("Lucene other", List.of("org.apache.lucene.")),
          new Bucket("JDBC and driver", List.of("dev.quiver.jdbc.", "org.apache.calcite.avatica.")),
          new Bucket(
              "Quiver top-k executor and merge",
              List.of("dev.quiver.sql.rel.VectorTopK", "dev.quiver.sql.")),
          new Bucket(
              "storage: segment search and row reads",
              List.of("dev.quiver.storage.", "dev.quiver.index.")),
          new Bucket("Calcite runtime", List.of("org.apache.calcite.")));

  static final String OTHER = "other";

  private Profile() {}

  /** A phase under the recording. */
  interface Phase {
    void run() throws Exception;
  }

  /**
   * Runs the phase under a recording and returns the share of samples per bucket (0–100, in the
   * order of {@link #BUCKETS}, then {@link #OTHER}) and the sample count under {@code "samples"}.
   */
  static Map<String, Object> record(Phase phase, Path folder) throws Exception {
    Path file = folder.resolve("query-profile.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
      recording.start();
      phase.run();
      recording.stop();
      recording.dump(file);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    BUCKETS.forEach(b -> counts.put(b.label(), 0L));
    counts.put(OTHER, 0L);
    long samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")
          || event.getStackTrace() == null) {
        continue;
      }
      samples++;
      counts.merge(bucket(event.getStackTrace().getFrames()), 1L, Long::sum);
    }
    Files.deleteIfExists(file);
    Map<String, Object> shares = new LinkedHashMap<>();
    shares.put("samples", samples);
    for (var count : counts.entrySet()) {
      shares.put(count.getKey(), samples == 0 ? 0.0 : 100.0 * count.getValue() / samples);
    }
    return shares;
  }

  /** The bucket of the innermost frame (frames come innermost first) that has one. */
  static String bucket(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      if (frame.getMethod() == null || frame.getMethod().getType() == null) {
        continue;
      }
      String label = bucket(frame.getMethod().getType().getName());
      if (label != null) {
        return label;
      }
    }
    return OTHER;
  }

  /** The bucket of a class, or null for classes in none (the JDK, the harness). */
  static String bucket(String className) {
    if (className.indexOf('.') < 0) {
      // Janino compiles Calcite's generated code (Baz and its inner classes) into no package.
      return "Calcite runtime";
    }
    for (Bucket b : BUCKETS) {
      if (b.matches(className)) {
        return b.label();
      }
    }
    return null;
  }
}
