package dev.maas.monitor;

import java.util.List;
import java.util.Optional;

/**
 * A {@link DriftMonitor}'s state at one moment: one {@link FeatureDrift} per tracked feature,
 * outputs first, and how many features of the reference were left untracked by the cap.
 *
 * @param features the tracked features, outputs first, then inputs, each in column order
 * @param untrackedFeatures the reference's features beyond {@link MonitorOptions#maxFeatures()}
 */
public record DriftReport(List<FeatureDrift> features, int untrackedFeatures) {
  /** Copies the list. */
  public DriftReport {
    features = List.copyOf(features);
  }

  /** The features of inputs. */
  public List<FeatureDrift> inputs() {
    return features.stream().filter(f -> f.side() == FeatureDrift.Side.INPUT).toList();
  }

  /** The features of outputs. */
  public List<FeatureDrift> outputs() {
    return features.stream().filter(f -> f.side() == FeatureDrift.Side.OUTPUT).toList();
  }

  /** The feature {@code feature} of input {@code tensor}, if tracked. */
  public Optional<FeatureDrift> input(String tensor, String feature) {
    return find(FeatureDrift.Side.INPUT, tensor, feature);
  }

  /** The feature {@code feature} of output {@code tensor}, if tracked. */
  public Optional<FeatureDrift> output(String tensor, String feature) {
    return find(FeatureDrift.Side.OUTPUT, tensor, feature);
  }

  private Optional<FeatureDrift> find(FeatureDrift.Side side, String tensor, String feature) {
    return features.stream()
        .filter(f -> f.side() == side && f.tensor().equals(tensor) && f.feature().equals(feature))
        .findFirst();
  }
}
