/**
 * Implementation details shared between MaaS modules (the JSON layer, FP16 conversions); not an
 * API: exported only to MaaS modules, by name.
 */
package dev.maas.internal;
