"""The knowledge base: seed records, Chinese-aware search, routing and duplicate detection."""
