package dev.maas.spi;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link StoreBackend}s for locations of some URI schemes ({@code s3}, for example); found
 * by {@link java.util.ServiceLoader}, so that putting a module on the class path is all it takes
 * for {@link dev.maas.ModelStore#open(java.net.URI, Map)} to open such locations.
 *
 * <p>Implementations are thread-safe and have a public no-argument constructor.
 */
public interface StoreProvider {
  /** The URI schemes this provider opens, lower case. */
  Set<String> schemes();

  /**
   * Opens the backend at {@code location}.
   *
   * @param location a URI of one of {@link #schemes()}
   * @param settings settings of this provider by name (an endpoint, for example); a provider
   *     rejects names it does not know
   * @throws dev.maas.InvalidInputException if the location or a setting is malformed
   * @throws dev.maas.StoreException if the store cannot be reached
   */
  StoreBackend open(URI location, Map<String, String> settings);
}
