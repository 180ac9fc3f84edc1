//! Showing a job as it runs: a progress bar on a terminal (counts, rate, time left), then the
//! outcome and the job's errors as a table.
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use super::Client;

/// Follows `job` to its end, drawing progress on stderr; returns whether it succeeded.
pub async fn follow_job(client: &Client, job: &Value) -> anyhow::Result<bool> {
    let name = job["name"].as_str().unwrap_or_default().to_string();
    eprintln!("job {name} ({})", job["type"].as_str().unwrap_or(""));
    let import = job["type"] == "CREDENTIAL_ENGINE_INGESTION";
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(if import {
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} competencies ({per_sec}, {eta} left) {msg}"
        } else {
            "{spinner} [{elapsed_precise}] {pos} rows ({per_sec}) {msg}"
        })
        .expect("static template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let end = client
        .watch(&name, |j| {
            let p = &j["progress"];
            let n = |k: &str| p[k].as_u64().unwrap_or(0);
            if import {
                bar.set_length(n("competenciesTotal"));
                bar.set_position(n("competenciesDone"));
                bar.set_message(format!(
                    "{}/{} frameworks, {}",
                    n("frameworksDone"),
                    n("frameworksTotal"),
                    j["status"].as_str().unwrap_or("")
                ));
            } else {
                bar.set_position(n("rowsRead"));
                bar.set_message(format!(
                    "{} loaded, {} rejected, {}",
                    n("rowsLoaded"),
                    n("rowsRejected"),
                    j["status"].as_str().unwrap_or("")
                ));
            }
        })
        .await;
    bar.finish_and_clear();
    let end = end?;
    let status = end["status"].as_str().unwrap_or("UNKNOWN");
    let p = &end["progress"];
    if import {
        eprintln!(
            "{status}: {} of {} frameworks, {} competencies",
            p["frameworksDone"], p["frameworksTotal"], p["competenciesDone"]
        );
    } else {
        eprintln!(
            "{status}: {} rows read, {} loaded, {} rejected",
            p["rowsRead"], p["rowsLoaded"], p["rowsRejected"]
        );
    }
    if let Some(message) = end["message"].as_str() {
        eprintln!("{message}");
    }
    let errors = end["errors"].as_array().cloned().unwrap_or_default();
    if !errors.is_empty() {
        let rows: Vec<[String; 3]> = errors
            .iter()
            .map(|e| {
                [
                    e["line"]
                        .as_i64()
                        .map(|l| l.to_string())
                        .unwrap_or_default(),
                    e["target"].as_str().unwrap_or("").to_string(),
                    e["message"].as_str().unwrap_or("").to_string(),
                ]
            })
            .collect();
        table(&["line", "target", "error"], &rows);
        if let Some(n) = end["errorsDropped"].as_i64().filter(|n| *n > 0) {
            eprintln!("... and {n} more errors");
        }
    }
    Ok(status == "SUCCEEDED")
}

/// A plain aligned table on stdout.
pub(super) fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(str::len);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count().min(100));
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| {
                let c: String = c.chars().take(100).collect();
                format!("{c:<w$}")
            })
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(header.iter().map(|h| h.to_uppercase()).collect());
    for row in rows {
        line(row.to_vec());
    }
}
