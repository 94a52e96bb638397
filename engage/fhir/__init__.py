"""FHIR R4 views of the registry: patients, instruments as Questionnaires, outcomes as responses and observations."""
