"""Riktade uppdrag: directed assignments to the committees and their status reports."""
