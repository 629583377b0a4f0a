"""Sessions, deliberations and agreements arrive with their own issues."""
