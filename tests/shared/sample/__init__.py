"""A minimal service built only from shared/, so the infrastructure is tested on its own."""
