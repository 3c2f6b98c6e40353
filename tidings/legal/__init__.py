"""Authorities, demands, demand items, decisions, withholdings, notices."""
