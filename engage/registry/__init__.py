"""The registry: episodes of care and the caseload's treat-to-target status."""
