# hospital-bff: one image, one role per command:
#   serve (the API, :8000)   worker (dramatiq workers and the sweeps)
#   sim (the simulators, :8100; demo only)   migrate (one-shot, before a release's API starts)
# Production by default: it refuses to start until the secrets are set (docs/operations.md,
# "Secrets and production mode"); `-e BFF_ENV=demo` for the embedded demo. Configure with
# BFF_* environment variables (README, "Running it for real"; compose.yaml).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
# The demo's keys directory exists in the image, so a volume mounted there is the user's.
RUN useradd --create-home --uid 10001 bff \
    && mkdir -p /home/bff/.hospital-bff/keys \
    && chown -R bff:bff /home/bff/.hospital-bff
COPY --from=build /install /usr/local
USER 10001
WORKDIR /home/bff
# BFF_PROBE_FILE: each role writes there how the health check below probes it (the API its
# /readyz, the simulators their port, a worker its heartbeat): hospital_bff/probe.py.
ENV BFF_ENV=production \
    BFF_LOG_JSON=true \
    BFF_PROBE_FILE=/tmp/hospital-bff.probe \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
EXPOSE 8000 8100
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "hospital_bff.probe"]
ENTRYPOINT ["hospital-bff"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
