"""What of notifications is under the data key: the outbox's addresses (the registry:
`tongban.ops.keyed`). Sent messages keep theirs, so every row is rewritten."""

from tongban.core import protect
from tongban.notifications.models import OutboxMessage
from tongban.ops.keyed import keyed


def _outbox_rekey(message: OutboxMessage) -> bool:
    address = protect.decrypt(message.to_encrypted, context="outbox.to")
    message.to_encrypted = protect.encrypt(address, context="outbox.to")
    return True


keyed(OutboxMessage, columns=("to_encrypted",), rekey=_outbox_rekey)
