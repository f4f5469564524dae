"""Regionbidrag, budget lines, outcome (utfall), forecasts (prognos) and earmarked money, in integer kronor."""
