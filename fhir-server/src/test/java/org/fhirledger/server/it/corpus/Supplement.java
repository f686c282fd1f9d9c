package org.fhirledger.server.it.corpus;

import java.math.BigDecimal;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.RiskAssessment;

/**
 * What Synthea output lacks and the corpus needs: a number parameter (no R4 number parameter applies to Synthea's
 * resources, so every patient gets a RiskAssessment with a probability, a few two or none) and accented names.
 * Deterministic: the values follow from the patients' order.
 */
public final class Supplement {
  private Supplement() {}

  public static Bundle transaction(final List<String> patientRefs) {
    final Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < patientRefs.size(); i++) {
      final RiskAssessment r = new RiskAssessment();
      r.setStatus(RiskAssessment.RiskAssessmentStatus.FINAL);
      r.setSubject(new Reference(patientRefs.get(i)));
      if (i % 5 == 4) {
        r.addPrediction().getOutcome().setText("no probability stated");
      } else {
        r.addPrediction().setProbability(new DecimalType(probability(i)));
        if (i % 3 == 0) {
          r.addPrediction().setProbability(new DecimalType(probability(i + 40)));
        }
      }
      add(b, r);
    }
    final Patient mueller = new Patient();
    mueller.addName().setFamily("Müller").addGiven("Jürgen");
    add(b, mueller);
    final Patient nunez = new Patient();
    nunez.addName().setFamily("Núñez").addGiven("Iñés");
    nunez.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
    add(b, nunez);
    return b;
  }

  /** 0.01 to 0.97, spread by a step prime to 97. */
  private static BigDecimal probability(final int i) {
    return BigDecimal.valueOf((i * 37L) % 97 + 1, 2);
  }

  private static void add(final Bundle b, final Resource r) {
    b.addEntry().setResource(r).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType());
  }
}
