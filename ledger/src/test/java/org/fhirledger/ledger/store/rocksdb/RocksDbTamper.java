package org.fhirledger.ledger.store.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;

/** Test helper: writes behind a closed store's back, as an attacker with disk access or a bad disk would. */
public final class RocksDbTamper {
  public static final String BLOCKS = RocksDbLedgerStore.CF_BLOCKS;
  public static final String CERTIFICATES = RocksDbLedgerStore.CF_CERTIFICATES;
  public static final String CHUNKS = RocksDbLedgerStore.CF_CHUNKS;
  public static final String HEADS = RocksDbLedgerStore.CF_HEADS;
  /** Validator history: {@link #heightKey} of the first height in force → ValidatorSet.encode(). */
  public static final String VALIDATORS = RocksDbLedgerStore.CF_VALIDATORS;

  private RocksDbTamper() {}

  public static byte[] heightKey(final long height) {
    return StoreEncoding.longKey(height);
  }

  /** The key of a resource's head in {@link #HEADS}; its value is {@link #heightKey} of the version number. */
  public static byte[] headKey(final String resourceType, final String resourceId) {
    return StoreEncoding.resourceKey(resourceType, resourceId);
  }

  public static void overwrite(final Path dir, final String columnFamily, final byte[] key, final byte[] value) throws Exception {
    change(dir, columnFamily, (db, family) -> db.put(family, key, value));
  }

  public static void delete(final Path dir, final String columnFamily, final byte[] key) throws Exception {
    change(dir, columnFamily, (db, family) -> db.delete(family, key));
  }

  private static void change(final Path dir, final String columnFamily, final Change change) throws Exception {
    final List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
    RocksDbLedgerStore.COLUMN_FAMILIES.forEach(n -> descriptors.add(new ColumnFamilyDescriptor(n.getBytes(StandardCharsets.US_ASCII))));
    final List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (RocksDB db = RocksDB.open(dir.toString(), descriptors, handles)) {
      change.apply(db, handles.get(1 + RocksDbLedgerStore.COLUMN_FAMILIES.indexOf(columnFamily)));
    } finally {
      handles.forEach(ColumnFamilyHandle::close);
    }
  }

  @FunctionalInterface
  private interface Change {
    void apply(RocksDB db, ColumnFamilyHandle family) throws Exception;
  }
}
