"""政社互动 (government–community compact): duty and assistance lists, funded agreements, gated
task assignment with red cards, and two-way evaluation (DOMAIN.md §4, seed 002, Taicang)."""
