/**
 * Implementation details shared between MaaS modules; not an API: exported only to MaaS modules,
 * by name. {@link dev.maas.internal.Csv} is the one reader of CSV data files (header, cells, the
 * fast decimal parser); {@link dev.maas.internal.Json} the one JSON layer (the factory, a document
 * reader, tensor metadata); {@link dev.maas.internal.Float16} the FP16 conversions; {@link
 * dev.maas.internal.Sha256} the checksums.
 */
package dev.maas.internal;
