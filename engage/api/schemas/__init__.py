"""The marshmallow schemas of the registry API: what each request may carry and each answer shows."""
