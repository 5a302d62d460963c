"""The service catalogue: departments, implementations (实施清单) with versioned guides, search."""
