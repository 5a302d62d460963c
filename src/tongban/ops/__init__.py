"""Running the platform: heartbeats, the periodic-job scheduler, ports of helper processes."""
