"""Need to know (issue 8): an organisation's reach, break the glass, and who read a record."""
