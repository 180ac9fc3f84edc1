FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin skillgraph

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/skillgraph /usr/local/bin/skillgraph
EXPOSE 8080
ENTRYPOINT ["skillgraph"]
CMD ["serve"]
