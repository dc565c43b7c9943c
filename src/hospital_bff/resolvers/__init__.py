"""Thin resolvers: authenticate, authorise, call one service, map its answer."""
