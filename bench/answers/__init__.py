"""Answer-path benchmark pieces: seeding, latency, throughput, and the per-backend driver."""
