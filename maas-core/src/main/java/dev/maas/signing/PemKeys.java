package dev.maas.signing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads ECDSA keys from PEM text as openssl writes them: public keys as {@code PUBLIC KEY}
 * (SubjectPublicKeyInfo), private keys as {@code EC PRIVATE KEY} (SEC1) or {@code PRIVATE KEY}
 * (unencrypted PKCS#8). Text around the PEM blocks (as {@code certtool} and {@code openssl ec -text}
 * print it) and other blocks such as {@code EC PARAMETERS} are skipped. Stateless and thread-safe.
 */
final class PemKeys {
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  private PemKeys() {}

  record Block(String label, byte[] der) {}

  static List<Block> blocks(String text, String source) {
    List<Block> blocks = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.startsWith(BEGIN) || !line.endsWith(DASHES) || line.length() <= BEGIN.length() + DASHES.length()) {
        continue;
      }
      String label = line.substring(BEGIN.length(), line.length() - DASHES.length());
      StringBuilder b64 = new StringBuilder();
      int j = i + 1;
      for (; j < lines.length && !lines[j].strip().equals(END + label + DASHES); j++) {
        String body = lines[j].strip();
        if (body.contains(":")) {
          throw new KeyFormatException(source + ": the " + label + " block has headers ("
              + body + "); passphrase-protected keys are not supported");
        }
        b64.append(body);
      }
      if (j == lines.length) {
        throw new KeyFormatException(source + ": the PEM block " + label + " has no END line");
      }
      try {
        blocks.add(new Block(label, Base64.getDecoder().decode(b64.toString())));
      } catch (IllegalArgumentException e) {
        throw new KeyFormatException(source + ": the PEM block " + label + " is not valid base64", e);
      }
      i = j;
    }
    if (blocks.isEmpty()) {
      throw new KeyFormatException(source + ": no PEM block (-----BEGIN ...-----) found");
    }
    return blocks;
  }

  /** The one public key in {@code text}. */
  static ECPublicKey publicKey(String text, String source) {
    List<Block> keys = blocks(text, source).stream().filter(b -> b.label().equals("PUBLIC KEY")).toList();
    if (keys.isEmpty()) {
      boolean privateKey = blocks(text, source).stream().anyMatch(b -> b.label().contains("PRIVATE KEY"));
      throw new KeyFormatException(source + (privateKey
          ? ": holds a private key where a public key is expected (openssl ec -in KEY -pubout -out PUB)"
          : ": no PUBLIC KEY block found"));
    }
    if (keys.size() > 1) {
      throw new KeyFormatException(source + ": holds " + keys.size() + " PUBLIC KEY blocks; give one key per file");
    }
    return parsePublic(keys.get(0).der(), source);
  }

  /** The one private key in {@code text} with its public key. */
  static KeyPair keyPair(String text, String source) {
    List<Block> all = blocks(text, source);
    if (all.stream().anyMatch(b -> b.label().equals("ENCRYPTED PRIVATE KEY"))) {
      throw new KeyFormatException(source + ": the private key is passphrase-protected; decrypt it first"
          + " (openssl pkcs8 -in KEY -out PLAIN.pem) and keep that file readable by its owner only");
    }
    List<Block> keys = all.stream()
        .filter(b -> b.label().equals("EC PRIVATE KEY") || b.label().equals("PRIVATE KEY")).toList();
    if (keys.isEmpty()) {
      throw new KeyFormatException(source + (all.stream().anyMatch(b -> b.label().equals("PUBLIC KEY"))
          ? ": holds a public key where a private key is expected"
          : ": no EC PRIVATE KEY or PRIVATE KEY block found"));
    }
    if (keys.size() > 1) {
      throw new KeyFormatException(source + ": holds " + keys.size() + " private keys; give one key per file");
    }
    Block block = keys.get(0);
    try {
      return block.label().equals("PRIVATE KEY") ? fromPkcs8(block.der(), source) : fromSec1(block.der(), null, source);
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException(source + ": the " + block.label() + " block is not a valid key: " + e.getMessage(), e);
    }
  }

  static ECPublicKey parsePublic(byte[] der, String source) {
    try {
      List<Der.Element> spki = expect(Der.parse(der), Der.SEQUENCE, "SubjectPublicKeyInfo").children();
      if (spki.size() != 2) {
        throw new IllegalArgumentException("a SubjectPublicKeyInfo of " + spki.size() + " elements");
      }
      EcCurve curve = curveOf(expect(spki.get(0), Der.SEQUENCE, "AlgorithmIdentifier").children(), source);
      return publicKey(curve, expect(spki.get(1), Der.BIT_STRING, "public key").bits(), source);
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException(source + ": the PUBLIC KEY block is not a valid key: " + e.getMessage(), e);
    }
  }

  private static KeyPair fromPkcs8(byte[] der, String source) {
    List<Der.Element> info = expect(Der.parse(der), Der.SEQUENCE, "PrivateKeyInfo").children();
    if (info.size() < 3) {
      throw new IllegalArgumentException("a PrivateKeyInfo of " + info.size() + " elements");
    }
    EcCurve curve = curveOf(expect(info.get(1), Der.SEQUENCE, "AlgorithmIdentifier").children(), source);
    return fromSec1(expect(info.get(2), Der.OCTET_STRING, "privateKey").content(), curve, source);
  }

  private static KeyPair fromSec1(byte[] der, EcCurve outer, String source) {
    List<Der.Element> fields = expect(Der.parse(der), Der.SEQUENCE, "ECPrivateKey").children();
    if (fields.size() < 2 || !expect(fields.get(0), Der.INTEGER, "version").unsignedInteger().equals(BigInteger.ONE)) {
      throw new IllegalArgumentException("not an ECPrivateKey version 1");
    }
    BigInteger d = expect(fields.get(1), Der.OCTET_STRING, "private scalar").unsignedInteger();
    EcCurve curve = outer;
    byte[] point = null;
    for (Der.Element f : fields.subList(2, fields.size())) {
      if (f.tag() == 0xa0) {
        EcCurve named = EcCurve.ofOid(Der.parse(f.content()).oid()).orElseThrow(() -> unsupportedCurve(source));
        if (curve != null && curve != named) {
          throw new IllegalArgumentException("the key names two different curves");
        }
        curve = named;
      } else if (f.tag() == 0xa1) {
        point = expect(Der.parse(f.content()), Der.BIT_STRING, "public key").bits();
      }
    }
    if (curve == null) {
      throw new IllegalArgumentException("the key names no curve");
    }
    if (d.signum() <= 0 || d.compareTo(curve.params.getOrder()) >= 0) {
      throw new IllegalArgumentException("the private scalar is out of range");
    }
    try {
      ECPrivateKey priv = (ECPrivateKey) KeyFactory.getInstance("EC")
          .generatePrivate(new ECPrivateKeySpec(d, curve.params));
      ECPublicKey pub = point != null ? publicKey(curve, point, source) : publicKey(curve, curve.multiplyGenerator(d), source);
      if (point != null && !matches(priv, pub, curve)) {
        throw new IllegalArgumentException("the public key stored with the private key does not belong to it");
      }
      return new KeyPair(pub, priv);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static boolean matches(ECPrivateKey priv, ECPublicKey pub, EcCurve curve) throws GeneralSecurityException {
    byte[] probe = "maas key pair check".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance(curve.signatureAlgorithm);
    s.initSign(priv);
    s.update(probe);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(curve.signatureAlgorithm);
    v.initVerify(pub);
    v.update(probe);
    return v.verify(sig);
  }

  private static EcCurve curveOf(List<Der.Element> algorithm, String source) {
    if (algorithm.isEmpty()) {
      throw new IllegalArgumentException("an empty AlgorithmIdentifier");
    }
    String alg = algorithm.get(0).oid();
    if (!alg.equals(EcCurve.EC_PUBLIC_KEY_OID)) {
      throw new KeyFormatException(source + ": a " + algorithmName(alg)
          + " key; model signatures use ECDSA keys on P-256, P-384 or P-521"
          + " (openssl ecparam -name prime256v1 -genkey -noout -out key.pem)");
    }
    if (algorithm.size() != 2 || algorithm.get(1).tag() != Der.OID) {
      throw new KeyFormatException(source + ": the EC key has explicit curve parameters; use a named curve"
          + " (P-256, P-384 or P-521)");
    }
    return EcCurve.ofOid(algorithm.get(1).oid()).orElseThrow(() -> unsupportedCurve(source));
  }

  private static String algorithmName(String oid) {
    return switch (oid) {
      case "1.2.840.113549.1.1.1" -> "RSA";
      case "1.3.101.112" -> "Ed25519";
      case "1.3.101.113" -> "Ed448";
      case "1.2.840.10040.4.1" -> "DSA";
      default -> "non-EC (algorithm " + oid + ")";
    };
  }

  private static KeyFormatException unsupportedCurve(String source) {
    return new KeyFormatException(source + ": the key is on a curve model signatures do not use;"
        + " use P-256, P-384 or P-521");
  }

  private static ECPublicKey publicKey(EcCurve curve, byte[] encoded, String source) {
    int n = curve.fieldBytes();
    if (encoded.length != 1 + 2 * n || encoded[0] != 0x04) {
      throw new KeyFormatException(source + ": the public point is not an uncompressed " + curve.jdkName + " point");
    }
    ECPoint point = new ECPoint(new BigInteger(1, Arrays.copyOfRange(encoded, 1, 1 + n)),
        new BigInteger(1, Arrays.copyOfRange(encoded, 1 + n, encoded.length)));
    return publicKey(curve, point, source);
  }

  private static ECPublicKey publicKey(EcCurve curve, ECPoint point, String source) {
    if (!curve.isOnCurve(point)) {
      throw new KeyFormatException(source + ": the public point is not on " + curve.jdkName);
    }
    try {
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, curve.params));
    } catch (GeneralSecurityException e) {
      throw new KeyFormatException(source + ": the public key is refused by the Java platform: " + e.getMessage(), e);
    }
  }

  private static Der.Element expect(Der.Element e, int tag, String what) {
    if (e.tag() != tag) {
      throw new IllegalArgumentException("expected " + what + " (tag " + tag + "), found tag " + e.tag());
    }
    return e;
  }

  /** The public key as PEM in the one canonical form (64 columns, a final newline), as OMS tools write it. */
  static String canonicalPem(PublicKey key) {
    String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
  }
}
