"""The managers' dashboard: workload now, and statutory timeliness over a chosen period."""
