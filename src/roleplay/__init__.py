"""roleplay: an offline-first role-play trainer for B2B sales discovery conversations."""

__version__ = "0.1.0"
