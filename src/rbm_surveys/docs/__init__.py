"""Policy documents: reading, rubrics, evidence, verdicts."""
