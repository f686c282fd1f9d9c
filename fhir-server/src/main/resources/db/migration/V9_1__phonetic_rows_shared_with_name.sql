-- Write-path cost (issue 8): R4's `phonetic` of Patient, Person, Practitioner and RelatedPerson has the same path as
-- `name`, and this server matches it as `name` (not by sound), so its rows repeated name's under another sp_name: 2 of
-- a Patient's 12 parameter rows. Since 9.1 they are not written; searches and sorts on `phonetic` read `name`'s rows
-- (SearchParamRegistry.indexedName). The rows written before are removed here.
DELETE FROM spidx_string
 WHERE sp_name = 'phonetic'
   AND res_type IN ('Patient', 'Person', 'Practitioner', 'RelatedPerson');
