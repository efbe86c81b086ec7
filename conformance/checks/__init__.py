"""Check functions, one topic per module. Importing a module registers its checks."""
