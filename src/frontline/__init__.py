"""frontline: an offline conflict monitor."""
__version__ = "0.1.0"
