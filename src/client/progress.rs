//! Showing a job as it runs: a progress bar on a terminal (counts, rate, time left), then the
//! outcome and the job's errors as a table.
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

/// What a job's progress is counted in: competencies for an import, rows for a file load.
pub struct JobProgress {
    bar: ProgressBar,
    import: bool,
}

impl JobProgress {
    /// A progress bar on stderr for `job` (as the API returns it).
    pub fn start(job: &Value) -> Self {
        let name = job["name"].as_str().unwrap_or_default();
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
        Self { bar, import }
    }

    /// Draws a new state of the job.
    pub fn update(&self, job: &Value) {
        let p = &job["progress"];
        let n = |k: &str| p[k].as_u64().unwrap_or(0);
        let status = job["status"].as_str().unwrap_or("");
        if self.import {
            self.bar.set_length(n("competenciesTotal"));
            self.bar.set_position(n("competenciesDone"));
            self.bar.set_message(format!(
                "{}/{} frameworks, {status}",
                n("frameworksDone"),
                n("frameworksTotal"),
            ));
        } else {
            self.bar.set_position(n("rowsRead"));
            self.bar.set_message(format!(
                "{} loaded, {} rejected, {status}",
                n("rowsLoaded"),
                n("rowsRejected"),
            ));
        }
    }

    /// Clears the bar (the job could not be followed to its end).
    pub fn clear(self) {
        self.bar.finish_and_clear();
    }

    /// Clears the bar and prints how the job ended, its message and its errors as a table;
    /// returns whether it succeeded.
    pub fn finish(self, end: &Value) -> bool {
        self.bar.finish_and_clear();
        let status = end["status"].as_str().unwrap_or("UNKNOWN");
        let p = &end["progress"];
        if self.import {
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
        errors_table(end);
        status == "SUCCEEDED"
    }
}

/// The job's errors, one row each, and how many more were dropped.
fn errors_table(end: &Value) {
    let errors = end["errors"].as_array().cloned().unwrap_or_default();
    if errors.is_empty() {
        return;
    }
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

/// A plain aligned table on stdout.
pub fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) {
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
