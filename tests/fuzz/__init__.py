"""API fuzzing with schemathesis against the app's own OpenAPI spec."""
