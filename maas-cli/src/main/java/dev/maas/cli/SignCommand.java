package dev.maas.cli;

import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.signing.ModelSigner;
import dev.maas.signing.VerifiedSignature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas sign REF --store DIR --key key.pem}: signs a stored version (OpenSSF Model Signing)
 * and keeps the signature beside it as {@code model.sig}; {@code maas sign DIR --key key.pem} signs a
 * plain model directory.
 */
@Command(name = "sign", mixinStandardHelpOptions = true,
    description = "Sign a stored model version (or a plain model directory) with an ECDSA private key, in the "
        + "OpenSSF Model Signing format; the signature is kept as model.sig beside the files.",
    footerHeading = "%nExamples:%n",
    footer = {"  openssl ecparam -name prime256v1 -genkey -noout -out key.pem",
      "  openssl ec -in key.pem -pubout -out pub.pem",
      "  maas sign demo:3 --store maas-store --key key.pem",
      "  maas sign ./my-model-dir --key key.pem"})
final class SignCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin OptionalStore store;

  @Parameters(paramLabel = "REF|DIR", description = "name, name:VERSION or name@ALIAS with --store; else a directory")
  String target;

  @Option(names = "--key", required = true, paramLabel = "KEY.pem",
      description = "The ECDSA private key (P-256 or P-384; EC PRIVATE KEY or unencrypted PRIVATE KEY PEM).")
  Path key;

  @Override
  public Integer call() {
    ModelSigner signer = ModelSigner.fromPemFile(key);
    PrintWriter out = spec.commandLine().getOut();
    if (store.directory == null) {
      Path dir = Path.of(target);
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("'" + target + "' is not a directory; to sign a stored version give --store DIR");
      }
      Path sig = signer.signInPlace(dir);
      out.println("signed " + dir + " -> " + sig);
      return 0;
    }
    try (ModelStore s = store.open()) {
      VerifiedSignature signed = s.sign(ModelReference.parse(target), signer);
      out.println("signed " + signed.subject() + " (" + signed.files().size() + " files, key "
          + signed.keyHint().substring(0, 16) + "...)");
    }
    return 0;
  }
}
