package org.fhirledger.ledger.dag;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Sha256;

/**
 * The address of a Merkle-DAG chunk: a CIDv1 {@code <0x01><codec varint><0x12 0x20><sha-256>} whose
 * canonical string is multibase base32 (lower case, prefix 'b'), as IPFS writes them.
 * Leaves use the multicodec {@code raw} (0x55); interior nodes our private-use codec {@link #CODEC_DAG_NODE}.
 */
public final class ContentId implements Comparable<ContentId> {
  public static final int CODEC_RAW = 0x55;
  public static final int CODEC_DAG_NODE = 0x300001;
  private static final int MULTIHASH_SHA2_256 = 0x12;
  private static final int DIGEST_LENGTH = 32;
  private static final int MAX_ENCODED_LENGTH = 64;
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private final byte[] bytes;
  private final int codec;

  private ContentId(final byte[] bytes, final int codec) {
    this.bytes = bytes;
    this.codec = codec;
  }

  /** The id of the given content under the given codec: SHA-256 of the bytes. */
  public static ContentId of(final int codec, final byte[] content) {
    return fromDigest(codec, Sha256.digest(content));
  }

  public static ContentId fromDigest(final int codec, final byte[] digest) {
    if (digest.length != DIGEST_LENGTH) {
      throw new IllegalArgumentException("sha-256 digest expected");
    }
    final ByteArrayOutputStream out = new ByteArrayOutputStream(40);
    out.write(1);
    writeVarint(out, codec);
    out.write(MULTIHASH_SHA2_256);
    out.write(DIGEST_LENGTH);
    out.writeBytes(digest);
    return new ContentId(out.toByteArray(), codec);
  }

  public static ContentId fromBytes(final byte[] cid) {
    final int[] pos = {0};
    if (cid.length < 4 || cid[0] != 1) {
      throw new DecodingException("not a CIDv1");
    }
    pos[0] = 1;
    final int codec = readVarint(cid, pos);
    if (pos[0] + 2 + DIGEST_LENGTH != cid.length
        || cid[pos[0]] != MULTIHASH_SHA2_256
        || cid[pos[0] + 1] != DIGEST_LENGTH) {
      throw new DecodingException("CID is not a sha2-256 multihash of 32 bytes");
    }
    return new ContentId(cid.clone(), codec);
  }

  public static ContentId parse(final String s) {
    if (s.isEmpty() || s.charAt(0) != 'b') {
      throw new IllegalArgumentException("content id must be multibase base32 ('b' prefix): " + s);
    }
    return fromBytes(base32Decode(s.substring(1).toLowerCase(Locale.ROOT)));
  }

  public static ContentId read(final ByteReader in) {
    return fromBytes(in.bytes(MAX_ENCODED_LENGTH));
  }

  public void write(final ByteWriter out) {
    out.bytes(bytes);
  }

  public int codec() {
    return codec;
  }

  public byte[] digest() {
    return Arrays.copyOfRange(bytes, bytes.length - DIGEST_LENGTH, bytes.length);
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  /** True when the content hashes to this id: every chunk read locally or from a peer is checked this way. */
  public boolean matches(final byte[] content) {
    return MessageDigest.isEqual(digest(), Sha256.digest(content));
  }

  @Override
  public String toString() {
    return "b" + base32Encode(bytes);
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof ContentId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(final ContentId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  private static void writeVarint(final ByteArrayOutputStream out, final int value) {
    int v = value;
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static int readVarint(final byte[] b, final int[] pos) {
    int result = 0;
    for (int shift = 0; shift < 28; shift += 7) {
      if (pos[0] >= b.length) {
        throw new DecodingException("truncated varint in CID");
      }
      final int x = b[pos[0]++] & 0xff;
      result |= (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return result;
      }
    }
    throw new DecodingException("varint too long in CID");
  }

  private static String base32Encode(final byte[] data) {
    final StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (final byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(BASE32[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(BASE32[(buffer << (5 - bits)) & 31]);
    }
    return sb.toString();
  }

  private static byte[] base32Decode(final String s) {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() * 5 / 8);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < s.length(); i++) {
      final char c = s.charAt(i);
      final int v = c >= 'a' && c <= 'z' ? c - 'a' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
      if (v < 0) {
        throw new IllegalArgumentException("invalid base32 character '" + c + "'");
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >>> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
