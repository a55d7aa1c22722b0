# syntax=docker/dockerfile:1
# Build: install sidos exactly as the README does, into a virtual environment.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY connectors ./connectors
COPY mappings ./mappings
COPY sync ./sync
RUN python -m venv /opt/sidos && /opt/sidos/bin/pip install --no-cache-dir .

# Run: the virtual environment, the default config, and an unprivileged user.
# The config in /etc/sidos belongs to root: sidos reads it and cannot change it.
# Deployments mount their own config there read-only (see compose.yaml).
FROM python:3.11-slim
RUN useradd --system --create-home --home-dir /var/lib/sidos sidos
COPY --from=build /opt/sidos /opt/sidos
COPY config /etc/sidos
ENV PATH=/opt/sidos/bin:$PATH \
    SIDOS_CONFIG=/etc/sidos/sidos.yaml \
    SIDOS_STATE__URL=sqlite:////var/lib/sidos/sidos-state.db \
    SIDOS_LOGGING__FORMAT=json
USER sidos
WORKDIR /var/lib/sidos
# `sidos serve` answers /healthz, /readyz and /metrics on this port.
EXPOSE 9464
# SIGTERM lets the run in flight finish its batch (service.shutdown_seconds).
STOPSIGNAL SIGTERM
# The slim image has no curl; Python's urllib fails on anything but a 2xx answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/opt/sidos/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SIDOS_SERVICE__PORT', '9464'), timeout=4)"]
ENTRYPOINT ["sidos"]
CMD ["--help"]
