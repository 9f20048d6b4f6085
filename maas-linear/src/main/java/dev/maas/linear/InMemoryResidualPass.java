package dev.maas.linear;

import dev.maas.MaasException;
import java.util.ArrayList;
import java.util.List;

/**
 * In-memory rows as a {@link SemiNormalRefiner.ResidualPass}: the residual {@code r = y - A(hi +
 * lo)} of every row and the sums {@code Σ w r²} and {@code Aᵀ W r}, all in about twice double
 * precision, as the shared kernel {@link ResidualSums} forms them, on several threads. Each thread
 * takes one contiguous range of rows and keeps its own sums; the sums are added in range order, so
 * the result is deterministic for a given thread count.
 *
 * <p>Instances are used by one thread at a time.
 */
final class InMemoryResidualPass implements SemiNormalRefiner.ResidualPass {
  /** Fewer rows than this per thread are not worth a thread. */
  private static final int ROWS_PER_THREAD = 16_384;

  private final Design design;
  private final double[][] x;
  private final double[] y;
  private final double[] w;
  private final int threads;

  /** @param w the rows' positive weights, or null */
  InMemoryResidualPass(Design design, double[][] x, double[] y, double[] w, int threads) {
    this.design = design;
    this.x = x;
    this.y = y;
    this.w = w;
    this.threads = Math.max(1, Math.min(threads, x.length / ROWS_PER_THREAD));
  }

  @Override
  public long accumulate(double[] hi, double[] lo, Dot2 rss, Dot2[] gradient) {
    int n = x.length;
    ResidualSums[] parts = new ResidualSums[threads];
    List<Thread> started = new ArrayList<>();
    RuntimeException[] failure = new RuntimeException[threads];
    for (int t = 1; t < threads; t++) {
      int part = t;
      Thread thread = new Thread(() -> {
        try {
          parts[part] = sums(hi, lo, (int) ((long) n * part / threads), (int) ((long) n * (part + 1) / threads));
        } catch (RuntimeException e) {
          failure[part] = e;
        }
      }, "maas-linear-refine-" + t);
      thread.setDaemon(true);
      thread.start();
      started.add(thread);
    }
    try {
      parts[0] = sums(hi, lo, 0, (int) ((long) n / threads));
    } finally {
      boolean interrupted = false;
      for (Thread thread : started) {
        while (true) {
          try {
            thread.join();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    for (RuntimeException e : failure) {
      if (e != null) {
        throw e instanceof MaasException ? e : new IllegalStateException("refinement failed", e);
      }
    }
    for (ResidualSums part : parts) {
      part.addTo(design, rss, gradient);
    }
    return n;
  }

  /** The sums over rows {@code [from, to)}. */
  private ResidualSums sums(double[] hi, double[] lo, int from, int to) {
    ResidualSums sums = new ResidualSums(design, hi, lo);
    if (w == null) {
      for (int i = from; i < to; i++) {
        sums.add(x[i], y[i]);
      }
    } else {
      for (int i = from; i < to; i++) {
        sums.add(x[i], y[i], w[i]);
      }
    }
    return sums;
  }
}
