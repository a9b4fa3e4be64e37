"""One module per `roleplay` subcommand; each defines `register(subparsers)`.

A command's `run(args) -> int` does the work; it imports heavy libraries inside itself.
"""
