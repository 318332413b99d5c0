package dev.skellyjelly.storage.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How the benchmarks turn samples into the figures of their JSON line. */
final class BenchFigures {

  private BenchFigures() {
  }

  /** {@code d} to {@code digits} decimals. */
  static double round(double d, int digits) {
    return Double.parseDouble(String.format(Locale.ROOT, "%." + digits + "f", d));
  }

  /** {@code d} to 3 decimals. */
  static double round(double d) {
    return round(d, 3);
  }

  /** The {@code p}-th percentile (0..1) of values sorted ascending (nearest rank). */
  static double percentile(double[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** The median (the lower one of an even count), or 0 with no values. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length == 0 ? 0 : percentile(sorted, 0.5);
  }

  static double median(List<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
