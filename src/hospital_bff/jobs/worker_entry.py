"""Imported by dramatiq's CLI in each worker process: builds and installs the broker, and
makes the process stop once, within a deadline, however many SIGTERMs it gets."""

from hospital_bff.config import Settings
from hospital_bff.jobs.worker import build_worker_broker, stop_once_and_within_deadline

broker = build_worker_broker(Settings())
stop_once_and_within_deadline()
