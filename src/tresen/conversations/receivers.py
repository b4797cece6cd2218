from django.dispatch import receiver

from tresen.customers.models import Customer
from tresen.customers.signals import customers_merging

from . import services


@receiver(customers_merging, sender=Customer, dispatch_uid="conversations.follow_merge")
def follow_customer_merge(sender, *, source, target, actor, **kwargs):
    services.move_customer(source=source, target=target, actor=actor)
