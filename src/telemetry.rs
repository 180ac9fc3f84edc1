//! Logs and metrics. The AWS SDK logs request identities at debug level (access key ids among
//! them), so its crates are capped at `warn` whatever `RUST_LOG` asks for.
use std::io::IsTerminal;
use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

const CAPPED: [&str; 6] = [
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http_client",
    "aws_sigv4",
    "aws_sdk_s3",
    "aws_smithy_types",
];

/// Whether an event may be logged at all: the AWS SDK's crates at `warn` or above only,
/// whatever `RUST_LOG` says, however specific its target (their debug output can carry request
/// headers, credentials included).
pub fn aws_capped(meta: &tracing::Metadata<'_>) -> bool {
    !meta.target().starts_with("aws") || *meta.level() <= tracing::Level::WARN
}

/// `RUST_LOG` (or `default`) with the AWS crates capped.
pub fn filter(default: &str) -> EnvFilter {
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    for krate in CAPPED {
        filter = filter.add_directive(format!("{krate}=warn").parse().expect("static directive"));
    }
    filter
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines, coloured only on a terminal.
    Text,
    /// One JSON object a line, with the span's fields (method, route) on request lines.
    Json,
}

/// What must outlive logging set-up: the trace exporter, flushed when dropped.
#[must_use = "dropping it stops and flushes trace export"]
pub struct Guard {
    #[cfg(feature = "otlp")]
    traces: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        #[cfg(feature = "otlp")]
        if let Some(p) = self.traces.take() {
            let _ = p.shutdown();
        }
    }
}

/// Logs to stderr (stdout carries what subcommands print); with `otlp_endpoint` (and the
/// `otlp` feature), spans are also exported over OTLP/HTTP.
pub fn init_logs(format: LogFormat, otlp_endpoint: Option<&str>) -> anyhow::Result<Guard> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let logs = match format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
    };
    // `RUST_LOG` filters the log lines only: traces keep their own level.
    use tracing_subscriber::filter::{filter_fn, FilterExt};
    let logs_filter = filter("info,neo4rs=warn").and(filter_fn(aws_capped));
    let registry = tracing_subscriber::registry().with(logs.with_filter(logs_filter));
    #[cfg(feature = "otlp")]
    {
        use opentelemetry::trace::TracerProvider as _;
        let traces = otlp_endpoint
            .map(|endpoint| {
                use opentelemetry_otlp::WithExportConfig;
                let exporter = opentelemetry_otlp::SpanExporter::builder()
                    .with_http()
                    .with_endpoint(endpoint)
                    .build()?;
                let resource = opentelemetry_sdk::Resource::builder()
                    .with_service_name("skillgraph")
                    .build();
                Ok::<_, anyhow::Error>(
                    opentelemetry_sdk::trace::SdkTracerProvider::builder()
                        .with_batch_exporter(exporter)
                        .with_resource(resource)
                        .build(),
                )
            })
            .transpose()?;
        let layer = traces.as_ref().map(|p| {
            tracing_opentelemetry::layer()
                .with_tracer(p.tracer("skillgraph"))
                .with_filter(tracing_subscriber::EnvFilter::new(
                    "info,neo4rs=warn,aws=warn",
                ))
        });
        registry.with(layer).init();
        Ok(Guard { traces })
    }
    #[cfg(not(feature = "otlp"))]
    {
        if otlp_endpoint.is_some() {
            anyhow::bail!("--otlp-endpoint needs a build with the `otlp` feature (cargo build --features otlp)");
        }
        registry.init();
        Ok(Guard {})
    }
}

/// The process's Prometheus recorder, installed on first use.
pub fn metrics() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        // Latency buckets from 1 ms to 30 s.
        let buckets = [
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
        ];
        PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &buckets)
            .expect("static buckets")
            .install_recorder()
            .expect("one metrics recorder per process")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn aws_debug_events_are_dropped_whatever_rust_log_says() {
        use tracing::Level;
        let meta = |target: &'static str, level: Level| {
            struct Cs;
            impl tracing::callsite::Callsite for Cs {
                fn set_interest(&self, _: tracing::subscriber::Interest) {}
                fn metadata(&self) -> &tracing::Metadata<'_> {
                    unimplemented!()
                }
            }
            static CS: Cs = Cs;
            tracing::Metadata::new(
                "e",
                target,
                level,
                None,
                None,
                None,
                tracing::field::FieldSet::new(&[], tracing::callsite::Identifier(&CS)),
                tracing::metadata::Kind::EVENT,
            )
        };
        assert!(!super::aws_capped(&meta(
            "aws_sigv4::http_request",
            Level::DEBUG
        )));
        assert!(!super::aws_capped(&meta(
            "aws_smithy_runtime::client",
            Level::TRACE
        )));
        assert!(super::aws_capped(&meta(
            "aws_sdk_s3::operation",
            Level::WARN
        )));
        assert!(super::aws_capped(&meta("skillgraph::jobs", Level::DEBUG)));
    }
}
