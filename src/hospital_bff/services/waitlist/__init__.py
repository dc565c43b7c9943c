"""The waitlist: patients waiting for a full schedule (or an expert over a few days), and the
places that come back held for them as offers (as Epic MyChart's Fast Pass, with payment).

- `rules`: the statuses, the refusals and the checks of a request, pure.
- `waiting`: the queries (who waits for what, in which order, at which position).
- `entries`: joining and leaving (commands).
- `offers`: a freed place held for the first eligible waiter; accepting books it through the
  booking path (the usual payment window), declining or lapsing passes it on.

How the database keeps the promises: an offer's place is a `PlaceHold` (services/money/
holds.py), so it counts in the slot's `held` and neither the public nor a second offer can
take it (`held < capacity` in one UPDATE); the hold's unique id is the offer's, and becomes the
order's on acceptance; a waiter's entry is locked (SELECT ... FOR UPDATE) while an offer is
made to it, and `live_entry_id` (unique) allows one open offer per entry.
"""
