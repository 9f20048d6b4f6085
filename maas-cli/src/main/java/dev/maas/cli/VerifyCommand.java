package dev.maas.cli;

import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.signing.ModelVerifier;
import dev.maas.signing.VerifiedSignature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas verify REF --store DIR --key pub.pem}: checks a stored version's signature; {@code
 * maas verify DIR --key pub.pem} checks a plain model directory (as the OMS reference verifier does).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check the OpenSSF Model Signing signature of a stored version or of a plain model directory "
        + "against trusted public keys; exits 1 with the reason if it does not hold.",
    footerHeading = "%nExamples:%n",
    footer = {"  maas verify demo:3 --store maas-store --key pub.pem",
      "  maas verify ./model-dir --key pub.pem --ignore-paths ./model-dir/README.md"})
final class VerifyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin OptionalStore store;

  @Parameters(paramLabel = "REF|DIR", description = "name, name:VERSION or name@ALIAS with --store; else a directory")
  String target;

  @Option(names = "--key", required = true, split = ",", paramLabel = "PUB.pem",
      description = "Trusted public key(s) (PEM PUBLIC KEY); repeat or comma-separate for several.")
  List<Path> keys;

  @Option(names = "--signature", paramLabel = "FILE", description = "The signature file (default DIR/model.sig).")
  Path signature;

  @Option(names = "--ignore-paths", split = ",", paramLabel = "PATH",
      description = "Files or directories of DIR the signature leaves out.")
  List<String> ignorePaths = new ArrayList<>();

  @Override
  public Integer call() {
    ModelVerifier verifier = ModelVerifier.fromPemFiles(keys);
    PrintWriter out = spec.commandLine().getOut();
    VerifiedSignature verified;
    if (store.directory == null) {
      Path dir = Path.of(target);
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("'" + target + "' is not a directory; to verify a stored version give --store DIR");
      }
      verified = verifier.verify(dir, signature != null ? signature : dir.resolve("model.sig"), ignorePaths);
    } else {
      try (ModelStore s = store.open()) {
        verified = s.verifySignature(ModelReference.parse(target), verifier);
      }
    }
    out.println("verified " + verified.subject() + ": " + verified.files().size() + " files, signed by key "
        + verified.keyHint().substring(0, 16) + "...");
    for (var file : verified.files().entrySet()) {
      out.println("  " + file.getKey() + "  sha256:" + file.getValue());
    }
    return 0;
  }
}
