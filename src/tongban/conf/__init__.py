"""Settings: base.py holds every setting with a safe default; the others change defaults."""
