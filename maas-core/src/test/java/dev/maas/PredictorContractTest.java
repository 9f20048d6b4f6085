package dev.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Model} and its {@link Predictor} must have, whatever the backend.
 * Implementations extend this class and supply a model and valid inputs.
 */
public abstract class PredictorContractTest {
  private Model model;

  /** For subclasses. */
  protected PredictorContractTest() {}

  /** A fresh model; the suite closes it. */
  protected abstract Model newModel();

  /**
   * Valid inputs for the model. Where the signature has a dynamic batch dimension, the inputs have
   * {@code batchSize} rows and differ for different batch sizes; otherwise {@code batchSize} may
   * be ignored.
   */
  protected abstract Map<String, Tensor> sampleInputs(int batchSize);

  /** Relative tolerance for comparing floating-point outputs computed in different ways. */
  protected double tolerance() {
    return 0;
  }

  @BeforeEach
  final void openModel() {
    model = newModel();
  }

  @AfterEach
  final void closeModel() {
    model.close();
  }

  /** The model under test. */
  protected final Model model() {
    return model;
  }

  @Test
  void signature_ofModelAndPredictor_agreeAndDeclareOutputs() {
    assertThat(model.signature().outputs()).isNotEmpty();
    assertThat(model.predictor().signature()).isEqualTo(model.signature());
  }

  @Test
  void predict_sampleInputs_returnsEveryOutputWithDeclaredTypeAndShape() {
    Map<String, Tensor> inputs = sampleInputs(3);
    Map<String, Tensor> outputs = model.predictor().predict(inputs);
    assertThat(outputs.keySet()).containsExactlyElementsOf(
        model.signature().outputs().stream().map(TensorSpec::name).toList());
    for (TensorSpec spec : model.signature().outputs()) {
      Tensor out = outputs.get(spec.name());
      assertThat(out.dataType()).as("type of output %s", spec.name()).isEqualTo(spec.dataType());
      assertThat(spec.acceptsShape(out.shape())).as("shape %s of output %s fits %s",
          java.util.Arrays.toString(out.shape()), spec.name(), spec.shape()).isTrue();
      if (hasBatch(spec) && batched()) {
        assertThat(out.dim(0)).as("batch size of output %s", spec.name()).isEqualTo(3);
      }
    }
  }

  @Test
  void predict_sameInputsTwice_returnsEqualOutputs() {
    Map<String, Tensor> inputs = sampleInputs(2);
    assertThat(model.predictor().predict(inputs)).isEqualTo(model.predictor().predict(inputs));
  }

  @Test
  void predict_batchOfRows_equalsRowByRow() {
    assumeTrue(batched(), "the signature has a batch axis");
    Map<String, Tensor> batch = sampleInputs(4);
    Map<String, Tensor> whole = model.predictor().predict(batch);
    for (int row = 0; row < 4; row++) {
      Map<String, Tensor> one = new HashMap<>();
      for (Map.Entry<String, Tensor> e : batch.entrySet()) {
        one.put(e.getKey(), e.getValue().slice(row, row + 1));
      }
      Map<String, Tensor> single = model.predictor().predict(one);
      for (String name : whole.keySet()) {
        assertClose(single.get(name), whole.get(name).slice(row, row + 1), "output " + name + " row " + row);
      }
    }
  }

  @Test
  void predict_missingInput_throwsInvalidInputNamingIt() {
    assumeTrue(!model.signature().inputs().isEmpty(), "the model has inputs");
    Map<String, Tensor> inputs = new HashMap<>(sampleInputs(1));
    String name = model.signature().inputs().get(0).name();
    inputs.remove(name);
    assertThatThrownBy(() -> model.predictor().predict(inputs))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining(name);
  }

  @Test
  void predict_unexpectedInput_throwsInvalidInputNamingIt() {
    Map<String, Tensor> inputs = new HashMap<>(sampleInputs(1));
    inputs.put("no such input", Tensor.ofFloats(new float[] {1}, 1));
    assertThatThrownBy(() -> model.predictor().predict(inputs))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no such input");
  }

  @Test
  void predict_wrongType_throwsInvalidInputNamingIt() {
    assumeTrue(!model.signature().inputs().isEmpty(), "the model has inputs");
    Map<String, Tensor> inputs = new HashMap<>(sampleInputs(1));
    TensorSpec spec = model.signature().inputs().get(0);
    long[] shape = inputs.get(spec.name()).shape();
    int n = Tensor.elementCount(shape);
    Tensor wrong = spec.dataType() == DataType.INT8
        ? Tensor.ofByteStrings(new byte[n][0], shape)
        : Tensor.ofInt8(new byte[n], shape);
    inputs.put(spec.name(), wrong);
    Throwable thrown = catchThrowable(() -> model.predictor().predict(inputs));
    assertThat(thrown).isInstanceOf(InvalidInputException.class).hasMessageContaining(spec.name())
        .hasMessageContaining(spec.dataType().name());
  }

  @Test
  void predict_wrongRank_throwsInvalidInputNamingIt() {
    assumeTrue(!model.signature().inputs().isEmpty(), "the model has inputs");
    Map<String, Tensor> inputs = new HashMap<>(sampleInputs(1));
    TensorSpec spec = model.signature().inputs().get(0);
    Tensor valid = inputs.get(spec.name());
    long[] shape = new long[valid.rank() + 1];
    java.util.Arrays.fill(shape, 1);
    System.arraycopy(valid.shape(), 0, shape, 0, valid.rank());
    inputs.put(spec.name(), valid.reshape(shape));
    assertThatThrownBy(() -> model.predictor().predict(inputs))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining(spec.name());
  }

  @Test
  void predict_afterInvalidInput_stillAnswers() {
    Map<String, Tensor> good = sampleInputs(2);
    Map<String, Tensor> expected = model.predictor().predict(good);
    catchThrowable(() -> model.predictor().predict(Map.of()));
    assertThat(model.predictor().predict(good)).isEqualTo(expected);
  }

  @Test
  void predict_outputSubset_returnsOnlyRequested() {
    String last = model.signature().outputs().get(model.signature().outputs().size() - 1).name();
    Map<String, Tensor> all = model.predictor().predict(sampleInputs(2));
    Map<String, Tensor> some = model.predictor().predict(sampleInputs(2), Set.of(last));
    assertThat(some.keySet()).containsExactly(last);
    assertClose(some.get(last), all.get(last), "output " + last);
  }

  @Test
  void predict_unknownOutput_throwsInvalidInputNamingIt() {
    assertThatThrownBy(() -> model.predictor().predict(sampleInputs(1), Set.of("no such output")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no such output");
  }

  @Test
  void predict_manyThreadsAtOnce_eachGetsItsOwnAnswer() throws Exception {
    int threads = 4;
    List<Map<String, Tensor>> inputs = new ArrayList<>();
    List<Map<String, Tensor>> expected = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      inputs.add(sampleInputs(t + 1));
      expected.add(model.predictor().predict(inputs.get(t)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            assertThat(model.predictor().predict(inputs.get(id))).isEqualTo(expected.get(id));
          }
          return null;
        }));
      }
      for (Future<Void> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void predictRows_tabularModel_matchesTensorPredict() {
    ModelSignature sig = model.signature();
    boolean tabular = sig.inputs().size() == 1 && sig.outputs().size() == 1 && sig.inputs().get(0).rank() == 2
        && (sig.inputs().get(0).dataType() == DataType.FP64 || sig.inputs().get(0).dataType() == DataType.FP32);
    assumeTrue(tabular, "the model is tabular");
    Tensor x = sampleInputs(3).get(sig.inputs().get(0).name());
    int columns = (int) x.dim(1);
    double[][] rows = new double[(int) x.dim(0)][columns];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < columns; j++) {
        rows[i][j] = x.getDouble(i * columns + j);
      }
    }
    double[] expected = model.predictor().predict(Map.of(sig.inputs().get(0).name(), x))
        .get(sig.outputs().get(0).name()).toDoubleArray();
    double[] actual = model.predictor().predictRows(rows);
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(scale(expected[i])));
    }
  }

  @Test
  void close_twice_isIdempotentAndReleasesOnce() throws Exception {
    CompletableFuture<Void> first = model.closeAsync();
    model.close();
    CompletableFuture<Void> second = model.closeAsync();
    first.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);
    assertThat(first).isCompleted();
    assertThatThrownBy(model::predictor).isInstanceOf(ModelClosedException.class);
  }

  @Test
  void predict_afterClose_throwsModelClosed() {
    Predictor predictor = model.predictor();
    Map<String, Tensor> inputs = sampleInputs(1);
    model.close();
    assertThatThrownBy(() -> predictor.predict(inputs)).isInstanceOf(ModelClosedException.class);
    assertThatThrownBy(() -> predictor.predictRows(new double[0][])).isInstanceOf(ModelClosedException.class);
    assertThatThrownBy(model::predictor).isInstanceOf(ModelClosedException.class);
  }

  @Test
  void close_whileCallInFlight_returnsAtOnceLetsTheCallFinishThenFreesTheModel() throws Exception {
    Predictor predictor = model.predictor();
    Map<String, Tensor> inputs = sampleInputs(2);
    Map<String, Tensor> expected = predictor.predict(inputs);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    // The backend reads the request map only once the call is in flight; its first read waits here.
    Map<String, Tensor> blocking = new AbstractMap<>() {
      private final AtomicBoolean first = new AtomicBoolean(true);

      @Override
      public Tensor get(Object key) {
        if (first.compareAndSet(true, false)) {
          entered.countDown();
          awaitUninterruptibly(proceed);
        }
        return inputs.get(key);
      }

      @Override
      public boolean containsKey(Object key) {
        return inputs.containsKey(key);
      }

      @Override
      public Set<Entry<String, Tensor>> entrySet() {
        return inputs.entrySet();
      }
    };
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Map<String, Tensor>> inFlight = pool.submit(() -> predictor.predict(blocking));
      assertThat(entered.await(60, TimeUnit.SECONDS)).as("the call started").isTrue();
      CompletableFuture<Void> released = model.closeAsync();
      assertThat(released).as("nothing is freed while a call is in flight").isNotDone();
      assertThatThrownBy(() -> predictor.predict(inputs)).isInstanceOf(ModelClosedException.class);
      proceed.countDown();
      assertThat(inFlight.get(60, TimeUnit.SECONDS)).as("the call in flight at close").isEqualTo(expected);
      released.get(60, TimeUnit.SECONDS);
      assertThatThrownBy(() -> predictor.predict(inputs)).isInstanceOf(ModelClosedException.class);
    } finally {
      proceed.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void batching_concurrentRequests_eachAnswerMatchesItsUnbatchedAnswer() throws Exception {
    int threads = 8;
    List<Map<String, Tensor>> inputs = new ArrayList<>();
    List<Map<String, Tensor>> expected = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      inputs.add(sampleInputs(i + 1));
      expected.add(model.predictor().predict(inputs.get(i)));
    }
    try (BatchingPredictor batching = BatchingPredictor.of(model.predictor(), BatchingOptions.builder().maxBatchRows(8).build())) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Void>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          futures.add(pool.submit(() -> {
            for (int i = 0; i < 25; i++) {
              int k = (id + i) % inputs.size();
              Map<String, Tensor> answer = batching.predict(inputs.get(k));
              assertThat(answer.keySet()).containsExactlyElementsOf(expected.get(k).keySet());
              for (String name : answer.keySet()) {
                assertClose(answer.get(name), expected.get(k).get(name), "output " + name + " of request " + k);
              }
            }
            return null;
          }));
        }
        for (Future<Void> f : futures) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- helpers ----

  private boolean batched() {
    return model.signature().batched();
  }

  private static boolean hasBatch(TensorSpec spec) {
    return spec.rank() > 0 && spec.shape().get(0) == TensorSpec.DYNAMIC;
  }

  private double scale(double expected) {
    return Math.max(tolerance() * Math.abs(expected), tolerance()) + Math.ulp(expected);
  }

  private void assertClose(Tensor actual, Tensor expected, String what) {
    assertThat(actual.dataType()).as(what).isEqualTo(expected.dataType());
    assertThat(actual.shape()).as(what).isEqualTo(expected.shape());
    if (expected.dataType().isFloatingPoint() && tolerance() > 0) {
      for (int i = 0; i < expected.size(); i++) {
        double e = expected.getDouble(i);
        assertThat(actual.getDouble(i)).as(what + " element " + i)
            .isCloseTo(e, org.assertj.core.data.Offset.offset(scale(e)));
      }
    } else {
      assertThat(actual).as(what).isEqualTo(expected);
    }
  }
}
