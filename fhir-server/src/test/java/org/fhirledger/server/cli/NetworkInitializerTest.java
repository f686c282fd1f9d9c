package org.fhirledger.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.crypto.KeyFiles;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.server.config.GenesisFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class NetworkInitializerTest {
  @TempDir
  Path dir;

  @Test
  void writesKeysGenesisAndOneConfigPerHospital() throws Exception {
    final NetworkInitializer.Network network = NetworkInitializer.initialize(dir, 4, 8080, "127.0.0.1", "test-chain");

    final Genesis read = GenesisFile.read(dir.resolve("genesis.json"));
    assertThat(read.hash()).as("genesis survives its JSON form byte for byte").isEqualTo(network.genesis().hash());
    assertThat(read.validators()).hasSize(4);
    assertThat(read.manager()).isEqualTo(read.validators().get(0).publicKey());
    for (int i = 0; i < 4; i++) {
      final Path nodeDir = dir.resolve("node-" + i);
      final Signer key = KeyFiles.readPrivateKey(nodeDir.resolve("node.key"));
      assertThat(key.publicKey()).isEqualTo(read.validators().get(i).publicKey());
      assertThat(KeyFiles.readPublicKey(nodeDir.resolve("node.pub"))).isEqualTo(key.publicKey());
      assertThat(read.validators().get(i).p2pPort()).isEqualTo(9080 + i);

      final Map<String, Object> yaml = new Yaml().load(Files.readString(nodeDir.resolve("node.yaml")));
      @SuppressWarnings("unchecked")
      final Map<String, Object> server = (Map<String, Object>) yaml.get("server");
      assertThat(server.get("port")).isEqualTo(8080 + i);
      @SuppressWarnings("unchecked")
      final Map<String, Object> node = (Map<String, Object>) ((Map<String, Object>) yaml.get("fhirledger")).get("node");
      assertThat(node).containsEntry("name", "hospital-" + i).containsEntry("p2p-port", 9080 + i).containsEntry("key-file", "node.key");
      assertThat(nodeDir.resolve((String) node.get("genesis-file")).normalize()).isEqualTo(dir.resolve("genesis.json").normalize());
    }
  }

  @Test
  void refusesToOverwriteAnExistingNetwork() throws Exception {
    NetworkInitializer.initialize(dir, 1, 8080, "127.0.0.1", "c");
    final byte[] key = Files.readAllBytes(dir.resolve("node-0/node.key"));
    assertThatThrownBy(() -> NetworkInitializer.initialize(dir, 1, 8080, "127.0.0.1", "c")).isInstanceOf(IllegalStateException.class);
    assertThat(Files.readAllBytes(dir.resolve("node-0/node.key"))).isEqualTo(key);
  }

  @Test
  void ephemeralModeGivesDistinctFreePeerPorts() throws Exception {
    final Genesis g = NetworkInitializer.initialize(dir, 4, 0, "127.0.0.1", "c").genesis();
    assertThat(g.validators().stream().map(v -> v.p2pPort()).distinct()).hasSize(4)
        .allMatch(p -> p >= NetworkInitializer.TEST_PORT_LOW && p < NetworkInitializer.TEST_PORT_HIGH);
  }

  @Test
  void aJoiningHospitalGetsTheNextFolderAKeyOutsideTheGenesisAndItsMembershipRequest() throws Exception {
    final Genesis genesis = NetworkInitializer.initialize(dir, 4, 8080, "127.0.0.1", "c").genesis();
    final NetworkInitializer.JoiningNode joining = NetworkInitializer.addJoiningNode(dir, 8080, "127.0.0.1");
    assertThat(joining.config()).isEqualTo(dir.resolve("node-4/node.yaml"));
    final Signer key = KeyFiles.readPrivateKey(dir.resolve("node-4/node.key"));
    assertThat(key.publicKey()).isEqualTo(joining.member().publicKey());
    assertThat(genesis.validatorSet().contains(key.publicKey())).isFalse();
    assertThat(GenesisFile.read(dir.resolve("genesis.json")).hash()).as("the genesis is untouched").isEqualTo(genesis.hash());
    assertThat(joining.member().p2pPort()).isEqualTo(9084);
    final org.hl7.fhir.r4.model.Parameters request = (org.hl7.fhir.r4.model.Parameters) org.fhirledger.server.config.FhirContexts.r4()
        .newJsonParser().parseResource(Files.readString(joining.membershipRequest()));
    assertThat(request.getParameter("action").getValue().primitiveValue()).isEqualTo("add");
    assertThat(request.getParameter("publicKey").getValue().primitiveValue()).isEqualTo(key.publicKey().toHex());
    assertThat(request.getParameter("port").getValue().primitiveValue()).isEqualTo("9084");
    assertThat(NetworkInitializer.addJoiningNode(dir, 8080, "127.0.0.1").config()).isEqualTo(dir.resolve("node-5/node.yaml"));
  }

  @Test
  void aTlsNetworkGivesEveryHospitalACertificateOfItsCaAndAJoiningOneToo() throws Exception {
    NetworkInitializer.initialize(dir, 2, 8080, "127.0.0.1", "c", true);
    final java.nio.file.Path ca = dir.resolve(NetworkInitializer.TLS_CA_CERT_FILE);
    for (final String node : java.util.List.of("node-0", "node-1")) {
      assertThat(org.fhirledger.ledger.p2p.tls.TlsIdentity.load(dir.resolve(node).resolve(NetworkInitializer.TLS_CERT_FILE),
          dir.resolve(node).resolve(NetworkInitializer.TLS_KEY_FILE), ca).certificate()).isNotNull();
      assertThat(Files.readString(dir.resolve(node).resolve(NetworkInitializer.NODE_CONFIG_FILE))).contains("p2p-tls-ca-file: ../consortium-ca.pem");
    }
    NetworkInitializer.addJoiningNode(dir, 8080, "127.0.0.1");
    assertThat(org.fhirledger.ledger.p2p.tls.TlsIdentity.load(dir.resolve("node-2").resolve(NetworkInitializer.TLS_CERT_FILE),
        dir.resolve("node-2").resolve(NetworkInitializer.TLS_KEY_FILE), ca).certificate().getSubjectX500Principal().getName())
        .contains("hospital-2");
    Files.move(dir.resolve(NetworkInitializer.TLS_CA_KEY_FILE), dir.resolve("offline-ca-key.pem"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NetworkInitializer.addJoiningNode(dir, 8080, "127.0.0.1"))
        .hasMessageContaining("consortium CA's key");
    assertThat(dir.resolve("node-3")).doesNotExist();
  }
}
