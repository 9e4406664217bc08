"""HTML views: thin — they read through web.selectors and write through the domain services."""
