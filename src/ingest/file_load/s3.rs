//! Reading one object from S3 (or an S3-compatible store) with exactly the credentials a task
//! was given: no environment, profile or instance credentials are ever consulted.
use std::fmt;

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use tokio::io::AsyncRead;

/// AWS credentials held in memory for one run. `Debug` never shows the secrets.
#[derive(Clone)]
pub struct AwsCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key_id", &"***")
            .field("secret_access_key", &"***")
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// `s3://bucket/key` split into its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct S3Location {
    pub bucket: String,
    pub key: String,
}

/// Why a URI does not name an S3 object.
#[derive(Debug, thiserror::Error)]
pub enum BadLocation {
    #[error("{0:?} must start with s3://")]
    Scheme(String),
    #[error("{0:?} has no object key (s3://bucket/key.csv)")]
    NoKey(String),
    #[error("{0:?} is not a valid S3 bucket name")]
    Bucket(String),
    /// A key that path-style addressing could resolve outside the bucket it names, or that no
    /// one means: `..` or `.` segments, empty segments, control characters.
    #[error("{0:?}: the object key must not contain `..` or `.` segments, empty segments or control characters")]
    Key(String),
    #[error("the object key is {0} bytes long; S3 keys are at most {MAX_KEY_BYTES}")]
    KeyTooLong(usize),
}

/// S3's own limit on an object key, in UTF-8 bytes. A longer one made the SDK panic building
/// the request URI.
pub const MAX_KEY_BYTES: usize = 1024;

impl S3Location {
    pub fn parse(uri: &str) -> Result<Self, BadLocation> {
        let rest = uri
            .strip_prefix("s3://")
            .ok_or_else(|| BadLocation::Scheme(uri.into()))?;
        let (bucket, key) = rest
            .split_once('/')
            .ok_or_else(|| BadLocation::NoKey(uri.into()))?;
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        if !bucket_ok {
            return Err(BadLocation::Bucket(bucket.into()));
        }
        if key.is_empty() {
            return Err(BadLocation::NoKey(uri.into()));
        }
        if key.len() > MAX_KEY_BYTES {
            return Err(BadLocation::KeyTooLong(key.len()));
        }
        let bad_segment = key
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..");
        if bad_segment || key.chars().any(char::is_control) {
            return Err(BadLocation::Key(uri.into()));
        }
        Ok(Self {
            bucket: bucket.into(),
            key: key.into(),
        })
    }
}

impl fmt::Display for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

pub fn client(creds: &AwsCredentials, region: &str, endpoint: Option<&str>) -> aws_sdk_s3::Client {
    let credentials = Credentials::new(
        creds.access_key_id.clone(),
        creds.secret_access_key.clone(),
        creds.session_token.clone(),
        None,
        "skillgraph-file-load-task",
    );
    let mut builder = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(credentials);
    if let Some(endpoint) = endpoint {
        // S3-compatible stores serve buckets as paths, not as subdomains.
        builder = builder.endpoint_url(endpoint).force_path_style(true);
    }
    aws_sdk_s3::Client::from_conf(builder.build())
}

/// Why an object could not be opened, in words that name the cause (not the SDK's dump).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OpenError(String);

/// Opens the object as a byte stream; nothing is buffered beyond what the reader asks for.
pub async fn open(
    client: &aws_sdk_s3::Client,
    at: &S3Location,
) -> Result<impl AsyncRead + Send + Unpin + 'static, OpenError> {
    let out = match client
        .get_object()
        .bucket(&at.bucket)
        .key(&at.key)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            let mut why = explain(&e, at);
            // Some S3-compatible stores answer NoSuchKey for a missing bucket too.
            if e.as_service_error().and_then(|se| se.code()) == Some("NoSuchKey")
                && client
                    .head_bucket()
                    .bucket(&at.bucket)
                    .send()
                    .await
                    .is_err()
            {
                why = format!("bucket {} does not exist", at.bucket);
            }
            return Err(OpenError(why));
        }
    };
    Ok(out.body.into_async_read())
}

/// A clear message naming the cause, instead of the SDK's debug dump.
fn explain<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>, at: &S3Location) -> String {
    match err {
        SdkError::ServiceError(se) => {
            let e = se.err();
            let detail = e.message().map(|m| format!(" ({m})")).unwrap_or_default();
            match e.code() {
                Some("NoSuchKey") => format!("object {at} does not exist"),
                Some("NoSuchBucket") => format!("bucket {} does not exist", at.bucket),
                Some("InvalidAccessKeyId") | Some("NotSignedUp") => {
                    "the AWS access key id is not valid".into()
                }
                Some("SignatureDoesNotMatch") => {
                    "the AWS secret access key does not match the access key id".into()
                }
                Some("ExpiredToken") | Some("TokenRefreshRequired") => {
                    "the AWS session token has expired".into()
                }
                Some("InvalidToken") => "the AWS session token is not valid".into(),
                Some("AccessDenied") => format!("access to {at} denied for these credentials"),
                Some(code) => format!("S3 refused to read {at}: {code}{detail}"),
                None => format!("S3 refused to read {at}{detail}"),
            }
        }
        SdkError::TimeoutError(_) => format!("timed out reading {at}"),
        SdkError::DispatchFailure(_) => format!("could not reach S3 to read {at}"),
        _ => format!("could not read {at}: unexpected response from S3"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_could_leave_the_bucket_are_refused() {
        for uri in [
            "s3://bucket/../other/x.csv",
            "s3://bucket/a/./x.csv",
            "s3://bucket//x.csv",
            "s3://bucket/a/",
            "s3://bucket/a\nb.csv",
            "s3://bucket/a\u{7f}.csv",
        ] {
            assert!(
                matches!(S3Location::parse(uri), Err(BadLocation::Key(_))),
                "{uri}"
            );
        }
        assert!(S3Location::parse("s3://bucket/dir/file..v2.csv").is_ok());
    }

    #[test]
    fn locations_parse_and_reject_bad_uris() {
        let l = S3Location::parse("s3://my-bucket/dir/events.csv").unwrap();
        assert_eq!(
            (l.bucket.as_str(), l.key.as_str()),
            ("my-bucket", "dir/events.csv")
        );
        assert_eq!(l.to_string(), "s3://my-bucket/dir/events.csv");
        for bad in [
            "https://b/k",
            "s3://bucket",
            "s3://bucket/",
            "s3://Bad_Bucket/k",
            "s3://ab/k",
        ] {
            assert!(S3Location::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = AwsCredentials {
            access_key_id: "AKIAEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI".into(),
            session_token: Some("FwoGZXIvYXdzEB".into()),
        };
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("AKIAEXAMPLE") && !shown.contains("wJalr") && !shown.contains("FwoG")
        );
    }
}
