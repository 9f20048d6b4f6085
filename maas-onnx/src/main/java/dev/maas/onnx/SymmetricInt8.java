package dev.maas.onnx;

/**
 * A weight matrix quantised symmetrically to INT8: {@code w ≈ scale · q} with {@code q} in
 * [-127, 127] and zero point 0, with one scale for the whole matrix or one per group along an axis.
 *
 * <p>Immutable once made (the arrays are not shared).
 *
 * @param values the quantised elements, in the layout of the input
 * @param scales one scale, or one per group
 */
record SymmetricInt8(byte[] values, float[] scales) {
  /**
   * Quantises a row-major [rows, cols] matrix, with one scale per column when {@code perColumn}.
   */
  static SymmetricInt8 quantize(float[] w, int rows, int cols, boolean perColumn) {
    float[] scales = new float[perColumn ? cols : 1];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int s = perColumn ? c : 0;
        scales[s] = Math.max(scales[s], Math.abs(w[r * cols + c]));
      }
    }
    finish(scales);
    byte[] q = new byte[w.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        q[r * cols + c] = round(w[r * cols + c] / scales[perColumn ? c : 0]);
      }
    }
    return new SymmetricInt8(q, scales);
  }

  /**
   * Quantises a tensor whose first dimension has {@code groups} entries (Conv filters), with one scale
   * per entry when {@code perGroup}.
   */
  static SymmetricInt8 quantizeLeading(float[] w, int groups, boolean perGroup) {
    int per = w.length / groups;
    float[] scales = new float[perGroup ? groups : 1];
    for (int i = 0; i < w.length; i++) {
      int s = perGroup ? i / per : 0;
      scales[s] = Math.max(scales[s], Math.abs(w[i]));
    }
    finish(scales);
    byte[] q = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      q[i] = round(w[i] / scales[perGroup ? i / per : 0]);
    }
    return new SymmetricInt8(q, scales);
  }

  private static void finish(float[] maxAbs) {
    for (int i = 0; i < maxAbs.length; i++) {
      if (Float.isNaN(maxAbs[i]) || Float.isInfinite(maxAbs[i])) {
        throw new dev.maas.InvalidInputException("a weight holds a non-finite value (" + maxAbs[i]
            + "), which INT8 cannot represent");
      }
      // an all-zero group quantises to zeros whatever the scale; 1 keeps the scale valid
      maxAbs[i] = maxAbs[i] > 0 ? maxAbs[i] / 127f : 1f;
    }
  }

  private static byte round(float v) {
    return (byte) Math.max(-127, Math.min(127, Math.round(v)));
  }
}
