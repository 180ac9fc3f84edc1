//! The command-line client against a running service, in a pseudo-terminal (`script`), so the
//! progress bar is drawn as a user would see it.

use std::time::Duration;

use common::{ce_server, TestApp};

/// Runs the `skillgraph` binary with `args` in a pseudo-terminal; returns (exit code, output).
async fn in_terminal(args: &[String]) -> (i32, String) {
    let cmd = std::iter::once(env!("CARGO_BIN_EXE_skillgraph").to_string())
        .chain(args.iter().cloned())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let out = tokio::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("COLUMNS", "160")
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), out)
        .await
        .expect("the command ends in time")
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

async fn app() -> TestApp {
    TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts = ce_server::allowed();
        c.ingest.http_backoff_ms = 10;
    })
    .await
}

#[tokio::test]
async fn import_follows_the_job_with_a_progress_bar_and_exits_zero() {
    let (_, reg) = ce_server::start(0).await;
    // Slow enough that the bar is drawn before the job ends.
    reg.generate(60, Duration::from_millis(1200));
    let app = app().await;
    let url = app.url("/");
    let (code, out) = in_terminal(&[
        "import".into(),
        "credential-engine".into(),
        "--url".into(),
        url.clone(),
        reg.gen_uri(0),
        reg.gen_uri(1),
    ])
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("competencies ("),
        "no progress bar drawn: {out}"
    );
    assert!(
        out.contains("SUCCEEDED: 2 of 2 frameworks, 120 competencies"),
        "{out}"
    );

    let (code, out) = in_terminal(&["jobs".into(), "--url".into(), url]).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("CREDENTIAL_ENGINE_INGESTION") && out.contains("SUCCEEDED"),
        "{out}"
    );
}

#[tokio::test]
async fn a_failed_job_exits_non_zero_with_its_errors_as_a_table() {
    let (_, reg) = ce_server::start(0).await;
    let app = app().await;
    let missing = reg.uri("/resources/ce-missing");
    let (code, out) = in_terminal(&[
        "import".into(),
        "credential-engine".into(),
        "--url".into(),
        app.url("/"),
        missing.clone(),
    ])
    .await;
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("FAILED"), "{out}");
    assert!(out.contains("no framework could be imported"), "{out}");
    let row = out
        .lines()
        .find(|l| l.contains(&missing))
        .unwrap_or_else(|| panic!("no error row for {missing}: {out}"));
    assert!(row.contains("404"), "{row}");
    assert!(
        out.contains("TARGET") && out.contains("ERROR"),
        "no table header: {out}"
    );
}

#[tokio::test]
async fn load_takes_credentials_from_the_environment_or_a_profile_and_never_echoes_them() {
    let app = TestApp::start().await;
    let bucket = common::s3::bucket().await;
    common::s3::put(&bucket, "cli.csv", common::s3::learning_csv(50, 5, 2)).await;
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
        .args([
            "load",
            "--url",
            &app.url("/"),
            &format!("s3://{bucket}/cli.csv"),
        ])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no AWS credentials"));

    // A profile of a shared credentials file, as the AWS tools write it.
    let dir = std::env::temp_dir().join(format!("aws-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    std::fs::write(
        &file,
        format!(
            "[default]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n[demo]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            common::s3::access_key(),
            common::s3::secret_key()
        ),
    )
    .unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
        .args(["load", "--url", &app.url("/"), "--profile", "demo"])
        .arg(format!("s3://{bucket}/cli.csv"))
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_SHARED_CREDENTIALS_FILE", &file)
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("SUCCEEDED: 50 rows read, 50 loaded"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
        .args([
            "load",
            "--url",
            &app.url("/"),
            &format!("s3://{bucket}/cli.csv"),
        ])
        .env("AWS_ACCESS_KEY_ID", common::s3::access_key())
        .env("AWS_SECRET_ACCESS_KEY", common::s3::secret_key())
        .output()
        .await
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("SUCCEEDED: 50 rows read, 50 loaded, 0 rejected"),
        "{text}"
    );
    assert!(!text.contains(&common::s3::secret_key()) && !text.contains(&common::s3::access_key()));
}
