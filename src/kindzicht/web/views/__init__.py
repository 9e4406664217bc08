"""HTML views: thin — they read through the domain selectors (shaped for the pages by
web.selectors) and write through the domain services."""
