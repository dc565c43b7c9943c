"""Imported by dramatiq's CLI in each worker process: builds and installs the broker."""

from hospital_bff.config import Settings
from hospital_bff.jobs.worker import build_worker_broker

broker = build_worker_broker(Settings())
