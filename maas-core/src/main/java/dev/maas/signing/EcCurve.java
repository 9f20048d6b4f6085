package dev.maas.signing;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.util.Arrays;
import java.util.Optional;

/**
 * The NIST prime curves OMS key mode uses, each with the hash its signatures use (P-256 with
 * SHA-256, P-384 with SHA-384, P-521 with SHA-512, as the Sigstore key details name them).
 */
enum EcCurve {
  P256("secp256r1", "1.2.840.10045.3.1.7", "SHA256withECDSA", "PKIX_ECDSA_P256_SHA_256"),
  P384("secp384r1", "1.3.132.0.34", "SHA384withECDSA", "PKIX_ECDSA_P384_SHA_384"),
  P521("secp521r1", "1.3.132.0.35", "SHA512withECDSA", "PKIX_ECDSA_P521_SHA_512");

  static final String EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1";

  final String jdkName;
  final String oid;
  final String signatureAlgorithm;
  final String keyDetails;
  final ECParameterSpec params;

  EcCurve(String jdkName, String oid, String signatureAlgorithm, String keyDetails) {
    this.jdkName = jdkName;
    this.oid = oid;
    this.signatureAlgorithm = signatureAlgorithm;
    this.keyDetails = keyDetails;
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec(jdkName));
      this.params = p.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the Java platform lacks the curve " + jdkName, e);
    }
  }

  static Optional<EcCurve> ofOid(String oid) {
    return Arrays.stream(values()).filter(c -> c.oid.equals(oid)).findFirst();
  }

  /** The curve of a key, recognised by its order and generator. */
  static Optional<EcCurve> of(ECKey key) {
    ECParameterSpec spec = key.getParams();
    return Arrays.stream(values())
        .filter(c -> c.params.getOrder().equals(spec.getOrder())
            && c.params.getGenerator().equals(spec.getGenerator())
            && c.params.getCurve().equals(spec.getCurve()))
        .findFirst();
  }

  int fieldBytes() {
    return (((ECFieldFp) params.getCurve().getField()).getP().bitLength() + 7) / 8;
  }

  boolean isOnCurve(ECPoint point) {
    if (point.equals(ECPoint.POINT_INFINITY)) {
      return false;
    }
    BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
    BigInteger x = point.getAffineX();
    BigInteger y = point.getAffineY();
    if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger rhs = x.pow(3).add(params.getCurve().getA().multiply(x)).add(params.getCurve().getB()).mod(p);
    return y.pow(2).mod(p).equals(rhs);
  }

  /** {@code k} times the generator (a Montgomery ladder in affine coordinates). */
  ECPoint multiplyGenerator(BigInteger k) {
    ECPoint r0 = ECPoint.POINT_INFINITY;
    ECPoint r1 = params.getGenerator();
    for (int i = params.getOrder().bitLength() - 1; i >= 0; i--) {
      if (k.testBit(i)) {
        r0 = add(r0, r1);
        r1 = add(r1, r1);
      } else {
        r1 = add(r0, r1);
        r0 = add(r0, r0);
      }
    }
    return r0;
  }

  private ECPoint add(ECPoint a, ECPoint b) {
    if (a.equals(ECPoint.POINT_INFINITY)) {
      return b;
    }
    if (b.equals(ECPoint.POINT_INFINITY)) {
      return a;
    }
    BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
    BigInteger lambda;
    if (a.getAffineX().equals(b.getAffineX())) {
      if (!a.getAffineY().equals(b.getAffineY()) || a.getAffineY().signum() == 0) {
        return ECPoint.POINT_INFINITY;
      }
      BigInteger x = a.getAffineX();
      lambda = x.pow(2).multiply(BigInteger.valueOf(3)).add(params.getCurve().getA())
          .multiply(a.getAffineY().shiftLeft(1).modInverse(p)).mod(p);
    } else {
      lambda = b.getAffineY().subtract(a.getAffineY())
          .multiply(b.getAffineX().subtract(a.getAffineX()).modInverse(p)).mod(p);
    }
    BigInteger x3 = lambda.pow(2).subtract(a.getAffineX()).subtract(b.getAffineX()).mod(p);
    BigInteger y3 = lambda.multiply(a.getAffineX().subtract(x3)).subtract(a.getAffineY()).mod(p);
    return new ECPoint(x3, y3);
  }
}
