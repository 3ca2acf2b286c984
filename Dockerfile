# claimwatch container image.
#
#   docker build -t claimwatch .
#   docker run --rm -e CLAIMWATCH_BROKERS=kafka:9092 \
#       -e CLAIMWATCH_REDIS_URL=redis://redis:6379/0 claimwatch
#
# Two stages: "build" compiles and installs into /out on full Debian with the
# -dev packages; the runtime stage is debian:bookworm-slim with the shared
# libraries and data packages only, and runs as the non-root user
# claimwatch (uid/gid 10001).  Configuration is by environment
# (CLAIMWATCH_*, see deploy/README.md); the default config file only
# supplies defaults.

# ---------------------------------------------------------------- build ---
FROM debian:bookworm AS build

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        build-essential \
        cmake \
        pkg-config \
        librdkafka-dev \
        libhiredis-dev \
        libjansson-dev \
        libcurl4-openssl-dev \
        libssl-dev \
        libutf8proc-dev \
        wordnet-dev \
        libmimalloc-dev \
        iso-codes \
        libmicrohttpd-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .

# Only the claimwatch target is built: the image needs neither the tests
# nor the mock broker.  CMAKE_INSTALL_PREFIX=/usr is also what the binary
# compiles in as its default lexicon directory (/usr/share/claimwatch).
# DESTDIR stages the installed files in /out for the runtime stage.
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    && cmake --build build -j"$(nproc)" --target claimwatch \
    && DESTDIR=/out cmake --install build --strip

# -------------------------------------------------------------- runtime ---
FROM debian:bookworm-slim

# Runtime packages of the -dev packages above.  Debian ships WordNet's
# shared library (libwordnet-3.0.so) in the "wordnet" package, its
# dictionary in "wordnet-base" (/usr/share/wordnet).  ca-certificates is for
# TLS to Kafka, Redis (rediss://), Slack and webhooks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        librdkafka1 \
        libhiredis0.14 \
        libjansson4 \
        libcurl4 \
        libssl3 \
        libutf8proc2 \
        wordnet \
        wordnet-base \
        libmimalloc2.0 \
        iso-codes \
        libmicrohttpd12 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 claimwatch \
    && useradd --system --uid 10001 --gid claimwatch --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin claimwatch

# /usr/bin/claimwatch, /usr/share/claimwatch/{claimwatch.json,lexicon/}
COPY --from=build /out/ /
COPY deploy/healthcheck.sh /usr/local/bin/claimwatch-healthcheck

# Fail the image build, not the first deploy, if a shared library or the
# lexicon is missing: every library must resolve and an article must
# analyze.
RUN chmod 0755 /usr/local/bin/claimwatch-healthcheck \
    && if ldd /usr/bin/claimwatch | grep 'not found'; then exit 1; fi \
    && claimwatch --version \
    && printf '%s\n' '{"id": "smoke", "body": "Pyongyang denied selling arms to Moscow."}' \
        | CLAIMWATCH_LEXICON_DIR=/usr/share/claimwatch/lexicon claimwatch analyze - >/dev/null

ENV CLAIMWATCH_LEXICON_DIR=/usr/share/claimwatch/lexicon
# 2 MB pages for mimalloc's heap (fewer page faults and TLB misses; replay
# ~5% faster, RSS a few MB larger).  See README, "Libraries".
ENV MIMALLOC_LARGE_OS_PAGES=1

# Health: the probe GETs /healthz on the admin listener named by
# CLAIMWATCH_ADMIN, with bash's /dev/tcp (the slim image has no curl).
# The listener (/metrics, /healthz, /readyz) runs when CLAIMWATCH_ADMIN is
# set, e.g. CLAIMWATCH_ADMIN=0.0.0.0:9464 as deploy/compose.yaml and
# deploy/k8s do; /healthz then fails once the worker loop's heartbeat is
# older than 60 s.  Unset, there is no listener: the probe says "not
# probed" and succeeds, so health only means "the process runs".
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/claimwatch-healthcheck"]

# Numeric so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001

# SIGTERM (docker stop) makes the worker finish its batch, commit and exit
# 0; give it a grace period that covers a batch (compose: 60s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["claimwatch"]
CMD ["run", "--config", "/usr/share/claimwatch/claimwatch.json"]
