package org.fhirledger.server.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * genesis.json: the human-readable form of the consortium's genesis that init-network writes and every node
 * reads. The chain itself uses the binary encoding of {@link Genesis}, whose hash all nodes must share.
 */
public final class GenesisFile {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private GenesisFile() {}

  record Member(String name, String publicKey, String host, int p2pPort) {}

  /** {@code largeContentThreshold} absent (files written before it existed) means the default. */
  record Document(String chainId, long timestamp, String manager, List<Member> validators, Long largeContentThreshold) {}

  public static void write(final Path file, final Genesis genesis) throws IOException {
    final List<Member> members = genesis.validators().stream()
        .map(v -> new Member(v.name(), v.publicKey().toHex(), v.host(), v.p2pPort()))
        .toList();
    JSON.writeValue(file.toFile(), new Document(genesis.chainId(), genesis.timestamp(), genesis.manager().toHex(), members,
        genesis.largeContentThreshold()));
  }

  public static Genesis read(final Path file) throws IOException {
    final Document doc = JSON.readValue(file.toFile(), Document.class);
    final List<Validator> validators = doc.validators().stream()
        .map(m -> new Validator(m.name(), PublicKey.fromHex(m.publicKey()), m.host(), m.p2pPort()))
        .toList();
    final long threshold = doc.largeContentThreshold() == null ? Genesis.DEFAULT_LARGE_CONTENT_THRESHOLD : doc.largeContentThreshold();
    return new Genesis(doc.chainId(), doc.timestamp(), validators, PublicKey.fromHex(doc.manager()), threshold);
  }
}
