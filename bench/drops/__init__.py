"""Drop benchmark stages: fake Discord API, seeding, fan-out in one process, many workers."""
