"""Periodic jobs of the audit log."""

import datetime as dt

from tongban.audit.services import audit_checkpoint_write
from tongban.ops.jobs import periodic


@periodic(every=dt.timedelta(minutes=5), name="audit.checkpoint")
def write_checkpoint() -> object:
    """Seal the chain head in the checkpoint file (nothing when it has not moved)."""
    return audit_checkpoint_write()
