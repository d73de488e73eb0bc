# One image for the Rasa server, the action server and the console (docker-compose.yml).
# npm packages the console serves: the widget's socket.io client and the DSFR's Marianne font.
FROM node:20-bookworm-slim AS npm
WORKDIR /npm
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

FROM python:3.10-slim-bookworm
ENV RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONUNBUFFERED=1 PYTHONPATH=/app
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --no-deps --require-hashes -r requirements.lock && pip check
COPY . .
COPY --from=npm /npm/node_modules/socket.io-client/dist node_modules/socket.io-client/dist
COPY --from=npm /npm/node_modules/@gouvfr/dsfr/dist/fonts node_modules/@gouvfr/dsfr/dist/fonts
RUN python -m guichet.construction.entrainement
RUN useradd --create-home guichet && mkdir -p /donnees && chown guichet /donnees
USER guichet
