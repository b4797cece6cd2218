from django.dispatch import Signal

# Sent inside the merge transaction so modules holding customer references move them
# atomically with the identities (kwargs: source, target, actor).
customers_merging = Signal()
