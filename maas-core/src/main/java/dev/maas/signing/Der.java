package dev.maas.signing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The piece of DER that key files need: reading tag-length-values (definite lengths only).
 * Elements are immutable; the class is stateless and thread-safe.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;

  private Der() {}

  /** One decoded element: its tag and its content bytes. */
  record Element(int tag, byte[] content) {
    List<Element> children() {
      return parseAll(content);
    }

    BigInteger unsignedInteger() {
      return new BigInteger(1, content);
    }

    /** The content of a BIT STRING without its unused-bits byte; only whole bytes are accepted. */
    byte[] bits() {
      if (content.length == 0 || content[0] != 0) {
        throw new IllegalArgumentException("a BIT STRING with unused bits");
      }
      return Arrays.copyOfRange(content, 1, content.length);
    }

    String oid() {
      if (tag != OID || content.length == 0) {
        throw new IllegalArgumentException("expected an OBJECT IDENTIFIER, found tag " + tag);
      }
      StringBuilder sb = new StringBuilder();
      long value = 0;
      boolean first = true;
      for (byte b : content) {
        value = (value << 7) | (b & 0x7f);
        if (value > (1L << 56)) {
          throw new IllegalArgumentException("an OBJECT IDENTIFIER component is too large");
        }
        if ((b & 0x80) == 0) {
          if (first) {
            int top = (int) Math.min(2, value / 40);
            sb.append(top).append('.').append(value - 40L * top);
            first = false;
          } else {
            sb.append('.').append(value);
          }
          value = 0;
        }
      }
      if ((content[content.length - 1] & 0x80) != 0) {
        throw new IllegalArgumentException("a truncated OBJECT IDENTIFIER");
      }
      return sb.toString();
    }
  }

  /** Parses exactly one element that fills {@code der}. */
  static Element parse(byte[] der) {
    List<Element> all = parseAll(der);
    if (all.size() != 1) {
      throw new IllegalArgumentException("expected one DER element, found " + all.size());
    }
    return all.get(0);
  }

  static List<Element> parseAll(byte[] der) {
    List<Element> out = new ArrayList<>();
    int i = 0;
    while (i < der.length) {
      int tag = der[i++] & 0xff;
      if ((tag & 0x1f) == 0x1f) {
        throw new IllegalArgumentException("multi-byte DER tags are not used by key files");
      }
      if (i >= der.length) {
        throw new IllegalArgumentException("DER ends inside a length");
      }
      int first = der[i++] & 0xff;
      int length;
      if (first < 0x80) {
        length = first;
      } else {
        int n = first & 0x7f;
        if (n == 0 || n > 3 || i + n > der.length) {
          throw new IllegalArgumentException("a DER length that is indefinite, too long or truncated");
        }
        length = 0;
        for (int k = 0; k < n; k++) {
          length = (length << 8) | (der[i++] & 0xff);
        }
      }
      if (length > der.length - i) {
        throw new IllegalArgumentException("a DER element runs past the end of its container");
      }
      out.add(new Element(tag, Arrays.copyOfRange(der, i, i + length)));
      i += length;
    }
    return out;
  }
}
