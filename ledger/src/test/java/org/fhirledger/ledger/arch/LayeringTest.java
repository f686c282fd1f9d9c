package org.fhirledger.ledger.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The consensus and DAG cores stay free of transport, storage engine and framework, as Besu keeps QBFT's core. */
class LayeringTest {
  private static final JavaClasses LEDGER = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.fhirledger.ledger");

  @Test
  void consensusCoreImportsNoTransportStorageOrFramework() {
    noClasses().that().resideInAPackage("org.fhirledger.ledger.consensus..")
        .should().dependOnClassesThat().resideInAnyPackage("org.tio..", "org.rocksdb..", "org.springframework..",
            "org.fhirledger.ledger.p2p..", "org.fhirledger.ledger.store..", "org.fhirledger.ledger.node..")
        .check(LEDGER);
  }

  @Test
  void chainCryptoCodecAndDagImportNoTransportOrStorageEngine() {
    noClasses().that().resideInAnyPackage("org.fhirledger.ledger.chain..", "org.fhirledger.ledger.crypto..",
            "org.fhirledger.ledger.codec..", "org.fhirledger.ledger.dag..")
        .should().dependOnClassesThat().resideInAnyPackage("org.tio..", "org.rocksdb..", "org.springframework..")
        .check(LEDGER);
  }

  @Test
  void kademliaCoreImportsNoTransportStorageOrFramework() {
    noClasses().that().resideInAPackage("org.fhirledger.ledger.kademlia..")
        .and().doNotHaveSimpleName("DhtNode")
        .should().dependOnClassesThat().resideInAnyPackage("org.tio..", "org.rocksdb..", "org.springframework..",
            "org.fhirledger.ledger.p2p..", "org.fhirledger.ledger.store..", "org.fhirledger.ledger.node..")
        .check(LEDGER);
  }

  @Test
  void onlyTheTioAdaptorTouchesTio() {
    noClasses().that().resideOutsideOfPackage("org.fhirledger.ledger.p2p.tio..")
        .should().dependOnClassesThat().resideInAPackage("org.tio..")
        .check(LEDGER);
  }

  @Test
  void onlyTheRocksDbAdaptorTouchesRocksDb() {
    noClasses().that().resideOutsideOfPackage("org.fhirledger.ledger.store.rocksdb..")
        .should().dependOnClassesThat().resideInAPackage("org.rocksdb..")
        .check(LEDGER);
  }
}
