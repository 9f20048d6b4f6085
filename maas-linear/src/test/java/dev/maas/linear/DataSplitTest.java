package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DataSplitTest {
  @Test
  void trainTest_sameSeed_sameSplitAndDisjointCover() {
    DataSplit a = DataSplit.trainTest(100, 0.2, 7);
    assertThat(DataSplit.trainTest(100, 0.2, 7)).isEqualTo(a);
    assertThat(DataSplit.trainTest(100, 0.2, 8)).isNotEqualTo(a);
    assertThat(a.testRows()).hasSize(20).isSorted();
    assertThat(a.trainRows()).hasSize(80).isSorted();
    int[] all = IntStream.concat(Arrays.stream(a.trainRows()), Arrays.stream(a.testRows())).sorted().toArray();
    assertThat(all).isEqualTo(IntStream.range(0, 100).toArray());
  }

  @Test
  void kFold_everyRowTestedExactlyOnce() {
    List<DataSplit> folds = DataSplit.kFold(23, 4, 3);
    assertThat(folds).hasSize(4);
    int[] tested = folds.stream().flatMapToInt(f -> Arrays.stream(f.testRows())).sorted().toArray();
    assertThat(tested).isEqualTo(IntStream.range(0, 23).toArray());
    for (DataSplit f : folds) {
      assertThat(f.testRows().length).isBetween(5, 6);
      assertThat(f.trainRows().length + f.testRows().length).isEqualTo(23);
    }
  }

  @Test
  void select_rowsAndTargets_followIndexes() {
    DataSplit split = DataSplit.trainTest(5, 0.4, 1);
    double[] y = {0, 10, 20, 30, 40};
    double[][] x = {{0}, {1}, {2}, {3}, {4}};
    int[] test = split.testRows();
    assertThat(split.test(y)).containsExactly(Arrays.stream(test).mapToDouble(i -> 10.0 * i).toArray());
    assertThat(split.test(x)[0]).isSameAs(x[test[0]]);
  }

  @Test
  void factories_invalidArguments_throwIllegalArgument() {
    assertThatThrownBy(() -> DataSplit.trainTest(1, 0.5, 0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> DataSplit.trainTest(10, 1.0, 0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> DataSplit.kFold(10, 1, 0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> DataSplit.kFold(3, 4, 0)).isInstanceOf(InvalidInputException.class);
  }
}
