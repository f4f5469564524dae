"""Indikatorbiblioteket and Kvalitetsapplikationen: quality indicators, their versioned targets (målnivåer), results and evaluations."""
