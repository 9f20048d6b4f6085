package dev.maas.cli;

import dev.maas.ModelStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --store DIR|s3://bucket/prefix} and {@code --encryption-key FILE} options of commands
 * that work on a stored version or, without {@code --store}, on a plain directory ({@code sign},
 * {@code verify}).
 */
final class OptionalStore {
  @Option(names = "--store", paramLabel = "STORE",
      description = "A directory, or s3://bucket/prefix: the model store REF is in; without it REF"
          + " is a directory.")
  String directory;

  @Option(names = "--s3-endpoint", paramLabel = "URL",
      description = "The endpoint of an S3-compatible server for an s3:// store (default: AWS_ENDPOINT_URL_S3 or "
          + "AWS_ENDPOINT_URL, else AWS S3).")
  String s3Endpoint;

  @Option(names = "--s3-region", paramLabel = "REGION",
      description = "The region of an s3:// store (default: AWS_REGION, else us-east-1).")
  String s3Region;

  @Option(names = "--encryption-key", paramLabel = "FILE",
      description = "The key file of an encrypted store (to read encrypted versions).")
  Path encryptionKey;

  ModelStore open() {
    StoreOptions options = new StoreOptions();
    options.location = directory;
    options.s3Endpoint = s3Endpoint;
    options.s3Region = s3Region;
    options.encryptionKey = encryptionKey;
    return options.open();
  }
}
