package dev.maas.http;

import dev.maas.MaasException;

/**
 * Thrown when an {@link InferenceServer} cannot be set up: the port cannot be bound, the keystore
 * or token file cannot be read. Immutable.
 */
public final class ServerStartException extends MaasException {
  private static final long serialVersionUID = 1L;

  ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
