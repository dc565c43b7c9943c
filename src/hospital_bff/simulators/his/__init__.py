"""A simulated hospital information system (HIS) speaking the WebAPI of docs/his-api.md.

It holds its records in memory, sells no slot beyond its capacity, signs and sends the events a
real HIS would send, and injects faults on request so that the BFF can be tested against a
slow, failing or refusing hospital. One concept a module: `records` (the data), `seed` (the
demo hospital), `state` (what it holds), `rules` (what changes it), `serialise` (the wire
shapes), `events` (webhooks to the BFF), `parse` and `endpoints` (HTTP), `gate` (faults and
the API key), `app` (the ASGI app).
"""

from hospital_bff.simulators.his.app import create_his_app
from hospital_bff.simulators.his.errors import HisError
from hospital_bff.simulators.his.events import sign_event
from hospital_bff.simulators.his.state import HisState

__all__ = ["HisError", "HisState", "create_his_app", "sign_event"]
