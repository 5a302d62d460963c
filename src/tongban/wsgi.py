"""WSGI entry point for gunicorn (`tongban serve`) and any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.conf.dev")
application = get_wsgi_application()
