"""hospital-bff: the GraphQL backend-for-frontend of a hospital's patient channel."""

__version__ = "0.1.0"
