"""The scheduler sends whatever the worker could not (gateway down, worker down)."""

import datetime as dt

from tongban.ops.jobs import periodic


@periodic(every=dt.timedelta(seconds=30), name="notifications.outbox")
def outbox() -> object:
    from tongban.notifications.services import outbox_due

    return outbox_due()
