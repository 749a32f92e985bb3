"""Helpers shared by test folders that do not belong to one of them."""
