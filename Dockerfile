# hospital-bff: one image for the API (`serve`), the workers (`worker`), the simulators (`sim`)
# and migrations (`migrate`). Configure with BFF_* environment variables (see README).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 bff
COPY --from=build /install /usr/local
USER bff
WORKDIR /home/bff
ENV BFF_LOG_JSON=true
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
ENTRYPOINT ["hospital-bff"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
