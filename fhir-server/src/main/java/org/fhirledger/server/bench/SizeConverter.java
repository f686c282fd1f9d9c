package org.fhirledger.server.bench;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/** Parses byte sizes: {@code 1MiB}, {@code 512KiB}, {@code 1048576}; KB/MB are taken as KiB/MiB. */
public final class SizeConverter implements ITypeConverter<Integer> {
  @Override
  public Integer convert(final String value) {
    return parse(value);
  }

  public static int parse(final String value) {
    final String v = value.trim().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
    final long unit;
    final String number;
    if (v.endsWith("k")) {
      unit = 1024;
      number = v.substring(0, v.length() - 1);
    } else if (v.endsWith("m")) {
      unit = 1024 * 1024;
      number = v.substring(0, v.length() - 1);
    } else {
      unit = 1;
      number = v;
    }
    try {
      final long bytes = Math.round(Double.parseDouble(number) * unit);
      if (bytes <= 0 || bytes > 64L * 1024 * 1024) {
        throw new IllegalArgumentException("size out of range (1 byte to 64 MiB): " + value);
      }
      return (int) bytes;
    } catch (final NumberFormatException e) {
      throw new IllegalArgumentException("not a size: '" + value + "' (e.g. 1MiB, 512KiB)", e);
    }
  }
}
