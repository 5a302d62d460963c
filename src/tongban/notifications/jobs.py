"""The scheduler sends whatever the worker could not (gateway down, worker down)."""

import datetime as dt

from tongban.notifications.services import outbox_due
from tongban.ops.jobs import periodic


@periodic(every=dt.timedelta(seconds=30), name="notifications.outbox")
def outbox() -> object:
    return outbox_due()
