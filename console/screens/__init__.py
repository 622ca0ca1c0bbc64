"""The console's screens; each talks only to a Backend."""
