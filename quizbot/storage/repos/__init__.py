"""Repositories by role; each is bound to one session and, below tenancy, one workspace."""
