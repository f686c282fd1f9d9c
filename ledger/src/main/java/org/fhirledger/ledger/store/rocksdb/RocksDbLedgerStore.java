package org.fhirledger.ledger.store.rocksdb;

import static org.fhirledger.ledger.store.rocksdb.StoreEncoding.longKey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.ContentTerms;
import org.fhirledger.ledger.store.TermUpdate;
import org.fhirledger.ledger.store.ChunkStats;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.StorageException;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Filter;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger store on RocksDB, one column family per index (see {@link #COLUMN_FAMILIES}). A block and
 * everything it changes are written in one WriteBatch with a synced WAL, so after a crash the store is at
 * a block boundary. Reads may come from any thread; {@link #apply} and {@link #initGenesis} are serialised.
 * A read-write lock keeps {@link #close} from freeing native handles under a running call.
 */
public final class RocksDbLedgerStore implements LedgerStore {
  static final String CF_BLOCKS = "blocks";
  static final String CF_BLOCK_HASH = "block_hash";
  static final String CF_BLOCK_HEIGHT = "block_height";
  static final String CF_CERTIFICATES = "certificates";
  static final String CF_OUTCOMES = "outcomes";
  static final String CF_CHUNKS = "chunks";
  static final String CF_VERSIONS = "versions";
  static final String CF_HEADS = "heads";
  static final String CF_METADATA = "metadata";
  static final String CF_TERMS = "terms";
  static final String CF_RESOURCE_TERMS = "resource_terms";
  static final String CF_VALIDATORS = "validators";
  static final String CF_DHT_CHUNKS = "dht_chunks";
  /**
   * Keys → values: blocks height → Block.encode(); block_hash height → hash; block_height hash → height;
   * certificates height → encode(); outcomes tx hash → outcome; chunks CID bytes → chunk bytes;
   * versions (type, id, version) → version; heads (type, id) → newest version number;
   * metadata ('s' store-owned | 'u' caller's) + key → bytes; terms ('k', type, key, id) and ('r', target type,
   * target id, source type, source id) → empty, for the live resources only; resource_terms (type, id) → the
   * resource's current terms, so that a new version can remove the old ones; validators first height in force
   * → ValidatorSet.encode() (the genesis set at 1, then one entry per block whose membership changes committed,
   * written in that block's batch); dht_chunks CID bytes → chunk bytes, the leaves of large content this node
   * holds for the DHT (apart from chunks, which holds what blocks carried, so that "a chunk in the store came
   * with a block every node applied" stays true). Heights and versions are big-endian i64.
   */
  static final List<String> COLUMN_FAMILIES = List.of(CF_BLOCKS, CF_BLOCK_HASH, CF_BLOCK_HEIGHT, CF_CERTIFICATES, CF_OUTCOMES,
      CF_CHUNKS, CF_VERSIONS, CF_HEADS, CF_METADATA, CF_TERMS, CF_RESOURCE_TERMS, CF_VALIDATORS, CF_DHT_CHUNKS);

  private static final Logger LOG = LoggerFactory.getLogger(RocksDbLedgerStore.class);
  // store-owned metadata ('s') and callers' metadata ('u') never collide
  private static final byte[] GENESIS_KEY = StoreEncoding.metadataKey('s', "genesis");
  private static final byte[] HEIGHT_KEY = StoreEncoding.metadataKey('s', "height");

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final Filter bloom;
  private final WriteOptions syncWrite;
  private final WriteOptions plainWrite;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  private final Map<String, ColumnFamilyHandle> cf = new LinkedHashMap<>();
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Object writeLock = new Object();
  private boolean closed;
  private volatile long height;
  /** The validators column family, read once at open and then kept in step by every write (immutable snapshots). */
  private volatile NavigableMap<Long, ValidatorSet> validatorHistory = Collections.emptyNavigableMap();

  private RocksDbLedgerStore(final Path dir, final DBOptions dbOptions, final ColumnFamilyOptions cfOptions, final Filter bloom, final RocksDB db,
      final List<ColumnFamilyHandle> handles) {
    this.dir = dir;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.bloom = bloom;
    this.db = db;
    this.handles = handles;
    this.syncWrite = new WriteOptions().setSync(true);
    this.plainWrite = new WriteOptions();
    // handles.get(0) is RocksDB's mandatory default family, which the store leaves empty
    for (int i = 0; i < COLUMN_FAMILIES.size(); i++) {
      cf.put(COLUMN_FAMILIES.get(i), handles.get(i + 1));
    }
  }

  /**
   * The write-ahead log kept before RocksDB flushes the column families that still hold its oldest file. Without a
   * bound RocksDB keeps a log file until every column family with data in it has flushed, and families that are
   * written little (block hashes, certificates, the vote journal) flush rarely: after 1,000,000 creates on one node
   * the store held 2.6 GB of logs beside 650 MB of tables, all of it replayed at the next start. RocksDB's own default
   * is four times the write buffers of all 14 families (7 GiB here).
   */
  static final long DEFAULT_MAX_TOTAL_WAL_BYTES = 256L * 1024 * 1024;

  /** Opens (creating if needed) the store in the directory. */
  public static RocksDbLedgerStore open(final Path dir) {
    return open(dir, DEFAULT_MAX_TOTAL_WAL_BYTES);
  }

  static RocksDbLedgerStore open(final Path dir, final long maxTotalWalBytes) {
    final DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setMaxTotalWalSize(maxTotalWalBytes);
    // Bloom filters answer "not stored" without reading a data block: every new chunk, block and outcome is
    // looked up before it is written, and without them each miss read an SST block (~50-300 µs for 64 KiB values).
    final Filter bloom = new BloomFilter(10);
    final ColumnFamilyOptions cfOptions = new ColumnFamilyOptions().setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloom));
    final List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (final String name : COLUMN_FAMILIES) {
      descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII), cfOptions));
    }
    final List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      final RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
      final RocksDbLedgerStore store = new RocksDbLedgerStore(dir, dbOptions, cfOptions, bloom, db, handles);
      store.height = store.loadHeight();
      store.validatorHistory = store.loadValidatorHistory();
      LOG.info("Ledger store opened dir={} height={}", dir, store.height);
      return store;
    } catch (final RocksDBException | IOException | RuntimeException e) {
      handles.forEach(ColumnFamilyHandle::close);
      dbOptions.close();
      cfOptions.close();
      bloom.close();
      throw new StorageException("cannot open ledger store at " + dir + ": " + e.getMessage(), e);
    }
  }

  private NavigableMap<Long, ValidatorSet> loadValidatorHistory() {
    final TreeMap<Long, ValidatorSet> history = new TreeMap<>();
    try (RocksIterator it = db.newIterator(cf.get(CF_VALIDATORS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        history.put(StoreEncoding.readLong(it.key()), decodeStored(CF_VALIDATORS, it.value(), ValidatorSet::decode));
      }
    }
    if (history.isEmpty()) {
      // a store written before the history existed: nothing could change the genesis validators then
      genesis().ifPresent(g -> history.put(1L, g.validatorSet()));
    }
    return Collections.unmodifiableNavigableMap(history);
  }

  @Override
  public ValidatorSet validatorsAt(final long h) {
    final NavigableMap<Long, ValidatorSet> history = validatorHistory;
    if (history.isEmpty()) {
      throw new StorageException("store at " + dir + " holds no genesis, so no validators");
    }
    final Map.Entry<Long, ValidatorSet> entry = history.floorEntry(h);
    return entry != null ? entry.getValue() : history.firstEntry().getValue();
  }

  @Override
  public NavigableMap<Long, ValidatorSet> validatorHistory() {
    return validatorHistory;
  }

  private long loadHeight() throws RocksDBException {
    final byte[] h = db.get(cf.get(CF_METADATA), HEIGHT_KEY);
    return h == null ? 0 : StoreEncoding.readLong(h);
  }

  @Override
  public Optional<Genesis> genesis() {
    return get(CF_METADATA, GENESIS_KEY, Genesis::decode);
  }

  @Override
  public void initGenesis(final Genesis genesis) {
    synchronized (writeLock) {
      final Optional<Genesis> existing = genesis();
      if (existing.isPresent()) {
        if (!Arrays.equals(existing.get().encode(), genesis.encode())) {
          throw new StorageException("store at " + dir + " holds genesis " + existing.get().hash().toShortHex() + " of chain "
              + existing.get().chainId() + ", refusing genesis " + genesis.hash().toShortHex() + " of chain " + genesis.chainId());
        }
        return;
      }
      final byte[] hash = genesis.hash().toArray();
      write(batch -> {
        batch.put(cf.get(CF_METADATA), GENESIS_KEY, genesis.encode());
        batch.put(cf.get(CF_BLOCK_HASH), longKey(0), hash);
        batch.put(cf.get(CF_BLOCK_HEIGHT), hash, longKey(0));
        batch.put(cf.get(CF_METADATA), HEIGHT_KEY, longKey(0));
        batch.put(cf.get(CF_VALIDATORS), longKey(1), genesis.validatorSet().encode());
      });
      height = 0;
      validatorHistory = Collections.unmodifiableNavigableMap(new TreeMap<>(Map.of(1L, genesis.validatorSet())));
      LOG.info("Genesis recorded chain={} hash={} validators={}", genesis.chainId(), genesis.hash().toShortHex(), genesis.validators().size());
    }
  }

  @Override
  public long height() {
    return height;
  }

  @Override
  public Optional<Hash32> blockHash(final long h) {
    return get(CF_BLOCK_HASH, longKey(h), Hash32::wrap);
  }

  @Override
  public Optional<Block> block(final long h) {
    return get(CF_BLOCKS, longKey(h), Block::decode);
  }

  @Override
  public Optional<CommitCertificate> certificate(final long h) {
    return get(CF_CERTIFICATES, longKey(h), CommitCertificate::decode);
  }

  @Override
  public Optional<Long> heightOf(final Hash32 blockHash) {
    return get(CF_BLOCK_HEIGHT, blockHash.toArray(), StoreEncoding::readLong);
  }

  @Override
  public Optional<TransactionOutcome> outcome(final Hash32 txHash) {
    return get(CF_OUTCOMES, txHash.toArray(), StoreEncoding::decodeOutcome);
  }

  @Override
  public Optional<ResourceVersion> head(final String resourceType, final String resourceId) {
    return get(CF_HEADS, StoreEncoding.resourceKey(resourceType, resourceId), StoreEncoding::readLong)
        .flatMap(v -> version(resourceType, resourceId, v));
  }

  @Override
  public Optional<ResourceVersion> version(final String resourceType, final String resourceId, final long versionId) {
    return get(CF_VERSIONS, StoreEncoding.versionKey(resourceType, resourceId, versionId), StoreEncoding::decodeVersion);
  }

  @Override
  public List<ResourceVersion> history(final String resourceType, final String resourceId) {
    final byte[] prefix = StoreEncoding.resourceKey(resourceType, resourceId);
    return whileOpen(() -> {
      final List<ResourceVersion> out = new ArrayList<>();
      try (RocksIterator it = db.newIterator(cf.get(CF_VERSIONS))) {
        for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
          out.add(decodeStored(CF_VERSIONS, it.value(), StoreEncoding::decodeVersion));
        }
        it.status();
      }
      return out;
    });
  }

  @Override
  public List<String> idsWithKey(final String resourceType, final String key) {
    final byte[] prefix = StoreEncoding.keyTermKey(resourceType, key, null);
    return scanSuffixes(prefix, 1).stream().map(s -> s.get(0)).toList();
  }

  @Override
  public List<String> referrers(final String resourceType, final String resourceId) {
    final byte[] prefix = StoreEncoding.referenceTermKey(resourceType, resourceId, null, null);
    return scanSuffixes(prefix, 2).stream().map(s -> s.get(0) + "/" + s.get(1)).toList();
  }

  @Override
  public ContentTerms terms(final String resourceType, final String resourceId) {
    return get(CF_RESOURCE_TERMS, StoreEncoding.resourceKey(resourceType, resourceId), StoreEncoding::decodeTerms)
        .orElse(ContentTerms.NONE);
  }

  private List<List<String>> scanSuffixes(final byte[] prefix, final int count) {
    return whileOpen(() -> {
      final List<List<String>> out = new ArrayList<>();
      try (RocksIterator it = db.newIterator(cf.get(CF_TERMS))) {
        for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
          out.add(decodeStored(CF_TERMS, it.key(), k -> StoreEncoding.suffixStrings(k, prefix.length, count)));
        }
        it.status();
      }
      return out;
    });
  }

  @Override
  public void apply(final AppliedBlock applied) {
    final Block block = applied.block();
    synchronized (writeLock) {
      final long current = height;
      if (block.height() != current + 1) {
        throw new StorageException("refusing block at height " + block.height() + ": store is at height " + current);
      }
      final Hash32 parent = blockHash(current)
          .orElseThrow(() -> new StorageException("no block hash at height " + current + " (genesis not recorded?)"));
      if (!block.header().parentHash().equals(parent)) {
        throw new StorageException("refusing block " + block.height() + ": parent " + block.header().parentHash().toShortHex()
            + " is not block " + current + " " + parent.toShortHex());
      }
      final CommitCertificate cert = applied.certificate();
      if (cert == null || cert.height() != block.height() || !cert.blockHash().equals(block.hash())) {
        throw new StorageException("refusing block " + block.height() + ": its certificate is missing or for another block");
      }
      write(batch -> fillBatch(batch, applied, cert));
      height = block.height();
      if (applied.nextValidators() != null) {
        final TreeMap<Long, ValidatorSet> history = new TreeMap<>(validatorHistory);
        history.put(block.height() + 1, applied.nextValidators());
        validatorHistory = Collections.unmodifiableNavigableMap(history);
        LOG.info("Validators change height={} validators={}", block.height() + 1, applied.nextValidators());
      }
      LOG.debug("Block stored height={} hash={} txs={} chunks={}", block.height(), block.hash().toShortHex(),
          block.transactions().size(), block.chunks().size());
    }
  }

  private void fillBatch(final WriteBatch batch, final AppliedBlock applied, final CommitCertificate cert) throws RocksDBException {
    final Block block = applied.block();
    final byte[] heightKey = longKey(block.height());
    final byte[] hash = block.hash().toArray();
    batch.put(cf.get(CF_BLOCKS), heightKey, block.encode());
    batch.put(cf.get(CF_BLOCK_HASH), heightKey, hash);
    batch.put(cf.get(CF_BLOCK_HEIGHT), hash, heightKey);
    batch.put(cf.get(CF_CERTIFICATES), heightKey, cert.encode());
    for (final TransactionOutcome o : applied.outcomes()) {
      batch.put(cf.get(CF_OUTCOMES), o.txHash().toArray(), StoreEncoding.encode(o));
    }
    final Map<ByteBuffer, Long> heads = new LinkedHashMap<>();
    for (final ResourceVersion v : applied.versions()) {
      batch.put(cf.get(CF_VERSIONS), StoreEncoding.versionKey(v.resourceType(), v.resourceId(), v.versionId()), StoreEncoding.encode(v));
      final byte[] key = StoreEncoding.resourceKey(v.resourceType(), v.resourceId());
      final Long latest = heads.computeIfAbsent(ByteBuffer.wrap(key), k -> storedHead(key));
      if (latest == null || v.versionId() > latest) {
        heads.put(ByteBuffer.wrap(key), v.versionId());
      }
    }
    for (final Map.Entry<ByteBuffer, Long> e : heads.entrySet()) {
      batch.put(cf.get(CF_HEADS), e.getKey().array(), longKey(e.getValue()));
    }
    for (final TermUpdate t : applied.terms()) {
      writeTerms(batch, t);
    }
    final Set<ContentId> seen = new HashSet<>();
    for (final Chunk c : block.chunks()) {
      if (!c.id().matches(c.dataUnsafe())) {
        throw new StorageException("refusing block " + block.height() + ": chunk " + c.id() + " does not hash to its id");
      }
      final byte[] key = c.id().toBytes();
      // identical content is stored once: skip chunks already on disk (a block often re-carries shared chunks)
      if (seen.add(c.id()) && !db.keyExists(cf.get(CF_CHUNKS), key)) {
        batch.put(cf.get(CF_CHUNKS), key, c.dataUnsafe());
      }
    }
    if (applied.nextValidators() != null) {
      batch.put(cf.get(CF_VALIDATORS), longKey(block.height() + 1), applied.nextValidators().encode());
    }
    batch.put(cf.get(CF_METADATA), HEIGHT_KEY, heightKey);
  }

  /** Replaces a resource's terms: the old ones (from resource_terms) go, the new ones come. */
  private void writeTerms(final WriteBatch batch, final TermUpdate t) throws RocksDBException {
    final byte[] resourceKey = StoreEncoding.resourceKey(t.resourceType(), t.resourceId());
    final byte[] old = db.get(cf.get(CF_RESOURCE_TERMS), resourceKey);
    if (old != null) {
      final ContentTerms previous = decodeStored(CF_RESOURCE_TERMS, old, StoreEncoding::decodeTerms);
      for (final String key : previous.keys()) {
        batch.delete(cf.get(CF_TERMS), StoreEncoding.keyTermKey(t.resourceType(), key, t.resourceId()));
      }
      for (final String ref : previous.references()) {
        batch.delete(cf.get(CF_TERMS), referenceKey(ref, t));
      }
    }
    if (t.terms().isEmpty()) {
      if (old != null) {
        batch.delete(cf.get(CF_RESOURCE_TERMS), resourceKey);
      }
      return;
    }
    for (final String key : t.terms().keys()) {
      batch.put(cf.get(CF_TERMS), StoreEncoding.keyTermKey(t.resourceType(), key, t.resourceId()), new byte[0]);
    }
    for (final String ref : t.terms().references()) {
      batch.put(cf.get(CF_TERMS), referenceKey(ref, t), new byte[0]);
    }
    batch.put(cf.get(CF_RESOURCE_TERMS), resourceKey, StoreEncoding.encode(t.terms()));
  }

  private static byte[] referenceKey(final String target, final TermUpdate source) {
    final int slash = target.indexOf('/');
    if (slash <= 0 || slash == target.length() - 1) {
      throw new StorageException("reference term '" + target + "' is not Type/id");
    }
    return StoreEncoding.referenceTermKey(target.substring(0, slash), target.substring(slash + 1), source.resourceType(), source.resourceId());
  }

  private Long storedHead(final byte[] resourceKey) {
    try {
      final byte[] v = db.get(cf.get(CF_HEADS), resourceKey);
      return v == null ? null : StoreEncoding.readLong(v);
    } catch (final RocksDBException e) {
      throw new StorageException("RocksDB read failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<byte[]> chunk(final ContentId id) {
    final Optional<byte[]> data = get(CF_CHUNKS, id.toBytes(), Function.identity());
    if (data.isPresent() && !id.matches(data.get())) {
      throw new StorageException("chunk " + id + " is corrupt on disk at " + dir);
    }
    return data;
  }

  /** A chunk held for the DHT (a leaf of large content placed on this node), checked against its id. */
  public Optional<byte[]> dhtChunk(final ContentId id) {
    final Optional<byte[]> data = get(CF_DHT_CHUNKS, id.toBytes(), Function.identity());
    if (data.isPresent() && !id.matches(data.get())) {
      throw new StorageException("DHT chunk " + id + " is corrupt on disk at " + dir);
    }
    return data;
  }

  public boolean hasDhtChunk(final ContentId id) {
    return whileOpen(() -> db.keyExists(cf.get(CF_DHT_CHUNKS), id.toBytes()));
  }

  /** Keeps a chunk for the DHT; not synced (a chunk lost in a crash comes back by republish from the others). */
  public void putDhtChunk(final ContentId id, final byte[] data) {
    if (!id.matches(data)) {
      throw new IllegalArgumentException("chunk bytes do not hash to " + id);
    }
    whileOpen(() -> {
      final byte[] key = id.toBytes();
      if (!db.keyExists(cf.get(CF_DHT_CHUNKS), key)) {
        db.put(cf.get(CF_DHT_CHUNKS), plainWrite, key, data);
      }
      return null;
    });
  }

  /** The ids of the chunks held for the DHT (keys only: values are not read). */
  public List<ContentId> dhtChunkIds() {
    return whileOpen(() -> {
      final List<ContentId> ids = new ArrayList<>();
      try (RocksIterator it = db.newIterator(cf.get(CF_DHT_CHUNKS))) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          ids.add(ContentId.fromBytes(it.key()));
        }
      }
      return ids;
    });
  }

  @Override
  public boolean hasChunk(final ContentId id) {
    return whileOpen(() -> db.keyExists(cf.get(CF_CHUNKS), id.toBytes()));
  }

  @Override
  public void putChunk(final ContentId id, final byte[] data) {
    if (!id.matches(data)) {
      throw new IllegalArgumentException("chunk bytes do not hash to " + id);
    }
    // not synced: a chunk lost in a crash is fetched again from another holder. A chunk already stored is not
    // written again: identical content costs a lookup, not another copy waiting for compaction.
    whileOpen(() -> {
      final byte[] key = id.toBytes();
      if (!db.keyExists(cf.get(CF_CHUNKS), key)) {
        db.put(cf.get(CF_CHUNKS), plainWrite, key, data);
      }
      return null;
    });
  }

  @Override
  public void forEachHead(final HeadVisitor visitor) {
    whileOpen(() -> {
      try (RocksIterator it = db.newIterator(cf.get(CF_HEADS))) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          final String[] typeAndId = decodeStored(CF_HEADS, it.key(), StoreEncoding::decodeResourceKey);
          visitor.visit(typeAndId[0], typeAndId[1], decodeStored(CF_HEADS, it.value(), StoreEncoding::readLong));
        }
        it.status();
      }
      return null;
    });
  }

  @Override
  public void forEachChunk(final ChunkVisitor visitor) {
    whileOpen(() -> {
      try (RocksIterator it = db.newIterator(cf.get(CF_CHUNKS))) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          visitor.visit(decodeStored(CF_CHUNKS, it.key(), ContentId::fromBytes), it.value());
        }
        it.status();
      }
      return null;
    });
  }

  @Override
  public Optional<byte[]> metadata(final String key) {
    return get(CF_METADATA, StoreEncoding.metadataKey('u', key), Function.identity());
  }

  @Override
  public void putMetadata(final String key, final byte[] value) {
    whileOpen(() -> {
      db.put(cf.get(CF_METADATA), syncWrite, StoreEncoding.metadataKey('u', key), value);
      return null;
    });
  }

  @Override
  public void putMetadata(final Map<String, byte[]> entries) {
    write(batch -> {
      for (final Map.Entry<String, byte[]> e : entries.entrySet()) {
        batch.put(cf.get(CF_METADATA), StoreEncoding.metadataKey('u', e.getKey()), e.getValue());
      }
    });
  }

  /** Frees native handles: column families first, then the database, then the options they were made with. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      handles.forEach(ColumnFamilyHandle::close);
      db.close();
      syncWrite.close();
      plainWrite.close();
      dbOptions.close();
      cfOptions.close();
      bloom.close();
      LOG.info("Ledger store closed dir={} height={}", dir, height);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /**
   * The distinct chunks stored and their bytes, counted by a scan of the chunks column family (exact, unlike
   * RocksDB's size estimates, which also count overwritten values until compaction). Costs a full scan.
   */
  public ChunkStats chunkStats() {
    return whileOpen(() -> {
      long n = 0;
      long bytes = 0;
      try (RocksIterator it = db.newIterator(cf.get(CF_CHUNKS))) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          n++;
          bytes += it.value().length;
        }
      }
      return new ChunkStats(n, bytes);
    });
  }

  private <T> Optional<T> get(final String family, final byte[] key, final Function<byte[], T> decoder) {
    final byte[] value = whileOpen(() -> db.get(cf.get(family), key));
    return value == null ? Optional.empty() : Optional.of(decodeStored(family, value, decoder));
  }

  private <T> T decodeStored(final String family, final byte[] value, final Function<byte[], T> decoder) {
    try {
      return decoder.apply(value);
    } catch (final DecodingException | IllegalArgumentException e) {
      throw new StorageException("corrupt value in column family " + family + " at " + dir + ": " + e.getMessage(), e);
    }
  }

  private void write(final BatchFiller filler) {
    whileOpen(() -> {
      try (WriteBatch batch = new WriteBatch()) {
        filler.fill(batch);
        db.write(syncWrite, batch);
      }
      return null;
    });
  }

  private <T> T whileOpen(final RocksCall<T> call) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new StorageException("ledger store at " + dir + " is closed");
      }
      return call.run();
    } catch (final RocksDBException e) {
      throw new StorageException("RocksDB failed at " + dir + ": " + e.getMessage(), e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private static boolean startsWith(final byte[] key, final byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  @FunctionalInterface
  private interface RocksCall<T> {
    T run() throws RocksDBException;
  }

  @FunctionalInterface
  private interface BatchFiller {
    void fill(WriteBatch batch) throws RocksDBException;
  }
}
