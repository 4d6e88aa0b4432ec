"""Platform-neutral quiz engine, storage and scheduling."""
