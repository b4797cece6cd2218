"""The contract every channel adapter implements."""

from tresen.conversations.models import Message
from tresen.conversations.services import receive_message
from tresen.conversations.types import InboundMessage


class DeliveryError(Exception):
    """A failed send; permanent ones are shown to the agent, temporary ones are retried."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class ChannelAdapter:
    kind: str = ""

    def parse(self, raw) -> InboundMessage:
        """Turns a stored raw item (channels.RawInbound) into an InboundMessage."""
        raise NotImplementedError

    def receive(self, raw) -> Message | None:
        """Turns a stored raw item into a message; None when it carries none (a bounce).

        Runs inside the transaction that marks the raw item processed.
        """
        message, _ = receive_message(inbound=self.parse(raw))
        return message

    def send(self, message: Message) -> str | None:
        """Delivers an outbound message; returns the provider's id if it gives one."""
        raise NotImplementedError
