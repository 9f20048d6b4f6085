package dev.maas.store;

import dev.maas.Model;
import dev.maas.ModelSignature;
import dev.maas.ModelVersion;
import dev.maas.Predictor;
import dev.maas.StoredModel;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** A model a store opened, with its version record; every call goes to the model. Thread-safe. */
final class VersionedModel implements StoredModel {
  private final Model model;
  private final ModelVersion version;

  VersionedModel(Model model, ModelVersion version) {
    this.model = Objects.requireNonNull(model, "model");
    this.version = Objects.requireNonNull(version, "version");
  }

  @Override
  public ModelVersion version() {
    return version;
  }

  @Override
  public Model model() {
    return model;
  }

  @Override
  public ModelSignature signature() {
    return model.signature();
  }

  @Override
  public Map<String, String> metadata() {
    return model.metadata();
  }

  @Override
  public Predictor predictor() {
    return model.predictor();
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    return model.closeAsync();
  }

  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return version.reference() + " " + model;
  }
}
