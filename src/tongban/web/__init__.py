"""Layout, home page, shared templates and static files."""
