package dev.quiver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's 1-minute load average, sampled every 10 s while the suite runs: a benchmark on a
 * shared 2-core machine is only as good as its quiet, and the report says how quiet it was.
 */
final class LoadMonitor implements AutoCloseable {
  private static final Path LOADAVG = Path.of("/proc/loadavg");
  private final Thread thread;
  private double sum;
  private double max;
  private int samples;

  LoadMonitor() {
    thread = Thread.ofPlatform().daemon().name("load-monitor").start(this::sample);
  }

  private void sample() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        double load = Double.parseDouble(Files.readString(LOADAVG).split(" ")[0]);
        synchronized (this) {
          sum += load;
          max = Math.max(max, load);
          samples++;
        }
        Thread.sleep(10_000);
      } catch (IOException | NumberFormatException e) {
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  synchronized double mean() {
    return samples == 0 ? Double.NaN : sum / samples;
  }

  synchronized double max() {
    return samples == 0 ? Double.NaN : max;
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
