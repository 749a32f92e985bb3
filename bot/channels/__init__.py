"""Channel logic with no Rasa import: limits, signatures and per-platform message formats."""
