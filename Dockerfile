# Tilannekuva: the dashboard served by gunicorn. Build: docker build -t tilannekuva .
# Run: docker run -e DATABASE_URL=postgresql+psycopg://… -p 8050:8050 tilannekuva
# The container applies migrations at start and then serves; load data with
#   docker run … tilannekuva python -m data_pipeline refresh

# --- custom plotly.js bundle (only the traces the dashboard draws) ---------------------------
FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY dashboard/bundle/ dashboard/bundle/
RUN npm run -s build

# --- application ------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 PORT=8050 WEB_CONCURRENCY=2 \
    TILANNEKUVA_GEO_DIR=/app/geo
# Set TILANNEKUVA_SECRET_KEY (the same on every instance) and REDIS_URL in production: sessions of the
# collection area, rate limits and the shared cache then work across workers and instances.
# Chromium is needed by kaleido for server-side PNG/SVG export; Pango for WeasyPrint's PDF pre-reads.
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY data_pipeline/ data_pipeline/
COPY dashboard/ dashboard/
RUN pip install --no-cache-dir .
COPY app.py gunicorn.conf.py ./
COPY assets/ assets/
COPY geo/ geo/
COPY --from=frontend /src/assets/vendor/ assets/vendor/
RUN useradd --system --home /app tilannekuva && chown -R tilannekuva /app
USER tilannekuva
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,os;urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health',timeout=4)"
CMD ["sh", "-c", "python -m data_pipeline migrate && exec gunicorn --config gunicorn.conf.py app:app"]
