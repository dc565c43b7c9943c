"""SQLModel tables for what the BFF owns, and the engine that holds them."""
