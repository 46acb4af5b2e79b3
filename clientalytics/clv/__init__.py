"""Customer lifetime value models."""
