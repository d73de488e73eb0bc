# One image for the Rasa server and the action server (docker-compose.yml).
FROM python:3.10-slim-bookworm
ENV RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONUNBUFFERED=1 PYTHONPATH=/app
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --no-deps -r requirements.lock && pip check
COPY . .
RUN python -m guichet.entrainement
RUN useradd --create-home guichet && mkdir -p /donnees && chown guichet /donnees
USER guichet
