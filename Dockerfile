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
ENTRYPOINT ["sidos"]
CMD ["--help"]
