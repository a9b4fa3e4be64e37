"""Coach tools: annotate, compare, branch, rescore and report saved practice transcripts.

Everything here runs headless (no Textual): the replay screen and the CLI commands call it.
"""
