FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin skillgraph

FROM debian:12-slim
# curl for the container health check (GET /readyz).
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/skillgraph /usr/local/bin/skillgraph
EXPOSE 8080
ENTRYPOINT ["skillgraph"]
CMD ["serve"]
