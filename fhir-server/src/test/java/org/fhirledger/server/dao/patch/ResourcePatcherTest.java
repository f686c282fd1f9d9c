package org.fhirledger.server.dao.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;

class ResourcePatcherTest {
  private static final ResourcePatcher PATCHER = new ResourcePatcher(FhirContexts.serverR4());

  private static Patient patient() {
    final Patient p = new Patient();
    p.setId("p1");
    p.addName().setFamily("Lovelace").addGiven("Ada").addGiven("Augusta");
    p.addIdentifier().setSystem("urn:mrn").setValue("1");
    p.addIdentifier().setSystem("urn:mrn").setValue("2");
    return p;
  }

  private static Patient fhirPatch(final Patient p, final Parameters patch) {
    return (Patient) PATCHER.apply(p, PatchTypeEnum.FHIR_PATCH_JSON, FhirContexts.r4().newJsonParser().encodeResourceToString(patch));
  }

  private static ParametersParameterComponent op(final Parameters p, final String type, final String path, final String name, final Type value) {
    final ParametersParameterComponent op = p.addParameter().setName("operation");
    op.addPart().setName("type").setValue(new CodeType(type));
    op.addPart().setName("path").setValue(new StringType(path));
    if (name != null) {
      op.addPart().setName("name").setValue(new StringType(name));
    }
    if (value != null) {
      op.addPart().setName("value").setValue(value);
    }
    return op;
  }

  @Test
  void jsonPatchReplacesAddsAndRemoves() {
    final Patient out = (Patient) PATCHER.apply(patient(), PatchTypeEnum.JSON_PATCH,
        "[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Byron\"},{\"op\":\"add\",\"path\":\"/gender\",\"value\":\"female\"},"
            + "{\"op\":\"remove\",\"path\":\"/identifier/0\"}]");
    assertThat(out.getNameFirstRep().getFamily()).isEqualTo("Byron");
    assertThat(out.getGender()).isEqualTo(AdministrativeGender.FEMALE);
    assertThat(out.getIdentifier()).extracting(i -> i.getValue()).containsExactly("2");
  }

  @Test
  void jsonPatchSyntaxErrorsAre400AndUnappliablePatchesAre422() {
    assertThatThrownBy(() -> PATCHER.apply(patient(), PatchTypeEnum.JSON_PATCH, "{}")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> PATCHER.apply(patient(), PatchTypeEnum.JSON_PATCH, "[{\"op\":\"jump\",\"path\":\"/a\"}]"))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> PATCHER.apply(patient(), PatchTypeEnum.JSON_PATCH, "[{\"op\":\"remove\",\"path\":\"/birthDate\"}]"))
        .isInstanceOf(UnprocessableEntityException.class);
    assertThatThrownBy(() -> PATCHER.apply(patient(), PatchTypeEnum.JSON_PATCH, "[{\"op\":\"add\",\"path\":\"/colour\",\"value\":1}]"))
        .isInstanceOf(UnprocessableEntityException.class);
    assertThatThrownBy(() -> PATCHER.apply(patient(), PatchTypeEnum.JSON_PATCH, "[{\"op\":\"replace\",\"path\":\"/id\",\"value\":\"p2\"}]"))
        .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("id");
  }

  @Test
  void fhirPathPatchAddInsertReplaceMoveAndDelete() {
    final Parameters patch = new Parameters();
    op(patch, "add", "Patient", "birthDate", new DateType("1815-12-10"));
    op(patch, "insert", "Patient.name[0].given", null, new StringType("Countess")).addPart().setName("index").setValue(new IntegerType(0));
    op(patch, "replace", "Patient.identifier.where(value = '2').value", null, new StringType("20"));
    op(patch, "move", "Patient.identifier", null, null)
        .addPart(new ParametersParameterComponent().setName("source").setValue(new IntegerType(1)))
        .addPart(new ParametersParameterComponent().setName("destination").setValue(new IntegerType(0)));
    op(patch, "delete", "Patient.name[0].given[2]", null, null);
    op(patch, "delete", "Patient.telecom", null, null); // no match: nothing to delete, no error

    final Patient out = fhirPatch(patient(), patch);
    assertThat(out.getBirthDateElement().getValueAsString()).isEqualTo("1815-12-10");
    assertThat(out.getNameFirstRep().getGiven()).extracting(StringType::getValue).containsExactly("Countess", "Ada");
    assertThat(out.getIdentifier()).extracting(i -> i.getValue()).containsExactly("20", "1");
  }

  @Test
  void fhirPathPatchAddsAComplexValueGivenAsParts() {
    final Parameters patch = new Parameters();
    final ParametersParameterComponent value = op(patch, "add", "Patient", "contact", null).addPart().setName("value");
    value.addPart().setName("gender").setValue(new CodeType("female"));
    value.addPart().setName("name").setValue(new org.hl7.fhir.r4.model.HumanName().setFamily("Somerville"));
    final Patient out = fhirPatch(patient(), patch);
    assertThat(out.getContactFirstRep().getGender()).isEqualTo(AdministrativeGender.FEMALE);
    assertThat(out.getContactFirstRep().getName().getFamily()).isEqualTo("Somerville");
  }

  @Test
  void fhirPathPatchRefusesWhatCannotBeApplied() {
    final Parameters twoMatches = new Parameters();
    op(twoMatches, "replace", "Patient.identifier.value", null, new StringType("x"));
    assertThatThrownBy(() -> fhirPatch(patient(), twoMatches)).isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("2 elements");

    final Parameters wrongType = new Parameters();
    op(wrongType, "add", "Patient", "birthDate", new BooleanType(true));
    assertThatThrownBy(() -> fhirPatch(patient(), wrongType)).isInstanceOf(UnprocessableEntityException.class);

    final Parameters singleTwice = new Parameters();
    op(singleTwice, "add", "Patient", "active", new BooleanType(true));
    op(singleTwice, "add", "Patient", "active", new BooleanType(false));
    assertThatThrownBy(() -> fhirPatch(patient(), singleTwice)).isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("replace");

    final Parameters badIndex = new Parameters();
    op(badIndex, "insert", "Patient.identifier", null, new org.hl7.fhir.r4.model.Identifier().setValue("3"))
        .addPart().setName("index").setValue(new IntegerType(5));
    assertThatThrownBy(() -> fhirPatch(patient(), badIndex)).isInstanceOf(UnprocessableEntityException.class);

    final Parameters unknownType = new Parameters();
    op(unknownType, "upsert", "Patient", null, null);
    assertThatThrownBy(() -> fhirPatch(patient(), unknownType)).isInstanceOf(InvalidRequestException.class);

    final Parameters badPath = new Parameters();
    op(badPath, "delete", "Patient.name[", null, null);
    assertThatThrownBy(() -> fhirPatch(patient(), badPath)).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void xmlPatchIsNotSupported() {
    assertThatThrownBy(() -> PATCHER.apply(patient(), PatchTypeEnum.XML_PATCH, "<diff/>"))
        .isInstanceOf(ResourcePatcher.UnsupportedPatchFormatException.class);
  }

  @Test
  void theInputResourceIsNotChanged() {
    final Patient p = patient();
    final Parameters patch = new Parameters();
    op(patch, "delete", "Patient.name", null, null);
    fhirPatch(p, patch);
    assertThat(p.hasName()).isTrue();
  }
}
