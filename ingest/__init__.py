"""Reading Vietnamese administrative documents into their structure.

Needs no model and no store; ``index`` builds on it, never the reverse.
"""
