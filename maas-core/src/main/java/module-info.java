/**
 * The MaaS API: tensors, signatures, models, predictors, the model store ({@code dev.maas}),
 * explanations ({@code dev.maas.explain}) and the format plug-in point ({@code dev.maas.spi}).
 * The store implementations ({@code dev.maas.store}) are not exported. Model formats plug in
 * through {@link dev.maas.spi.ModelFormat}.
 */
@SuppressWarnings("module") // qualified exports name modules that are built after this one
module dev.maas.core {
  requires com.fasterxml.jackson.core;

  exports dev.maas;
  exports dev.maas.explain;
  exports dev.maas.spi;
  exports dev.maas.monitor;
  exports dev.maas.signing;
  exports dev.maas.encryption;
  exports dev.maas.internal to dev.maas.linear, dev.maas.http, dev.maas.cli;

  uses dev.maas.spi.ModelFormat;
  uses dev.maas.spi.StoreProvider;
}
