package dev.maas.signing;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;

/** A public key with what OMS bundles name it by: its curve and its hint (SHA-256 of its PEM). */
record TrustedKey(ECPublicKey key, EcCurve curve, String pem, String hint) {
  static TrustedKey of(ECPublicKey key, String source) {
    EcCurve curve = EcCurve.of(key).orElseThrow(() -> new KeyFormatException(source
        + ": the key is on a curve model signatures do not use; use P-256, P-384 or P-521"));
    String pem = PemKeys.canonicalPem(key);
    String hint = HexFormat.of().formatHex(OmsBundle.sha256().digest(pem.getBytes(StandardCharsets.US_ASCII)));
    return new TrustedKey(key, curve, pem, hint);
  }
}
