//! Logging set-up. The AWS SDK logs request identities at debug level (access key ids among
//! them), so its crates are capped at `warn` whatever `RUST_LOG` asks for.
use tracing_subscriber::EnvFilter;

const CAPPED: [&str; 6] = [
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http_client",
    "aws_sigv4",
    "aws_sdk_s3",
    "aws_smithy_types",
];

/// `RUST_LOG` (or `default`) with the AWS crates capped.
pub fn filter(default: &str) -> EnvFilter {
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    for krate in CAPPED {
        filter = filter.add_directive(format!("{krate}=warn").parse().expect("static directive"));
    }
    filter
}
