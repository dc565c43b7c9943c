"""The business: pure rules (no I/O) beside the services that apply them."""
