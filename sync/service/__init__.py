"""``sidos serve``: scheduled runs, health and metrics endpoints, reloads, a fleet.

The pieces, each in its own module:

- ``config``: the ``service:`` settings (schedules, address, shutdown bound).
- ``scheduler``: APScheduler jobs built from the settings, and ``schedule_summary``.
- ``locks`` and ``claims``: one run per job across replicas, one run per fire time.
- ``jobs``: what happens when a job fires.
- ``metrics`` and ``http``: ``/healthz``, ``/readyz`` and ``/metrics``.
- ``reload``: config changes, validated before they are applied.
- ``lifecycle``: start, signals and a bounded, graceful shutdown.

This package imports nothing at import time, so ``sync.settings`` can use ``config``.
"""
