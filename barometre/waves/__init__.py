"""Adding a wave: `barometre wave check` and `barometre wave draft` (docs/recipes.md)."""
