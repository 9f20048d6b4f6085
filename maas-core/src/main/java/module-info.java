/**
 * The MaaS API: tensors, signatures, models, predictors, the model store and the format plug-in
 * point. Model formats plug in through {@link dev.maas.spi.ModelFormat}.
 */
module dev.maas.core {
  requires com.fasterxml.jackson.core;

  exports dev.maas;
  exports dev.maas.spi;

  uses dev.maas.spi.ModelFormat;
}
