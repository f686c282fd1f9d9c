package org.fhirledger.ledger.dag;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class DagIndependenceTest {
  @Test
  void dagCoreUsesNoStorageNetworkOrFramework() {
    noClasses().that().resideInAPackage("org.fhirledger.ledger.dag..")
        .should().dependOnClassesThat().resideInAnyPackage("org.rocksdb..", "org.tio..", "org.springframework..",
            "org.fhirledger.ledger.store..", "org.fhirledger.ledger.p2p..", "org.fhirledger.ledger.consensus..")
        .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.fhirledger.ledger"));
  }
}
