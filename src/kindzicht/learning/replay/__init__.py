"""Scenario replay (``kindzicht replay FILE``): a family's history as a timeline of actions,
run through the same services as the API and the UI with a simulated clock — executable test
cases, training meetings, and reconstructions of calamities (scenario-format.md, format 1).

``loader`` reads and validates a file, ``context`` maps its keys to objects, ``actions`` runs
each ``do:``, ``runner`` moves the clock and runs the watchdog, ``expect`` checks what a
scenario asserts and ``report`` prints the result.
"""

from .loader import Scenario, ScenarioError, load, parse

__all__ = ["Scenario", "ScenarioError", "load", "parse"]
