"""Email: Django's own backend mechanism (`EMAIL_BACKEND`) is the swappable interface.

`StandinAwareSmtpBackend` is SMTP to the configured server, or to the local SMTP stand-in
(`standins/smtp.py`) when none is configured.
"""

from tongban.contrib.mail.smtp import StandinAwareSmtpBackend

__all__ = ["StandinAwareSmtpBackend"]
