//! The patched driver (vendor/neo4rs, PATCHES.md), seen from the service's side: a request
//! larger than a TCP segment is answered without waiting on a delayed acknowledgement, and a
//! record decoded in one pass reads as it did through the driver's two.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The median time of `n` round trips of `RETURN size($uris)` with `count` URIs.
async fn median_round_trip(graph: &skillgraph::graph::Graph, count: usize, n: usize) -> Duration {
    let uris: Vec<String> = (0..count)
        .map(|i| format!("https://credentialengineregistry.org/resources/ce-{i:08}-0000-0000"))
        .collect();
    let mut times = vec![];
    for _ in 0..n {
        let q = neo4rs::query("RETURN size($uris) AS n").param("uris", uris.clone());
        let t = Instant::now();
        let rows = graph.rows_unchecked(q).await.unwrap();
        times.push(t.elapsed());
        assert_eq!(rows[0].get::<i64>("n").unwrap(), count as i64);
    }
    times.sort();
    times[n / 2]
}

/// Unpatched, a request over the driver's 8 KiB buffer went out in pieces and, without
/// `TCP_NODELAY`, its last piece waited for the server's delayed ACK: every 500-URI read took
/// 44 ms against 1.4 ms for 100 URIs. The bound is half that stall.
#[tokio::test]
async fn a_large_request_is_answered_without_waiting_for_an_acknowledgement() {
    let database = common::fresh_database().await;
    let graph = common::connect(&database).await;
    median_round_trip(&graph, 10, 3).await; // a warm connection
    for count in [500, 2_000, 10_000] {
        let median = median_round_trip(&graph, count, 7).await;
        println!("{count} URIs: median round trip {median:?}");
        assert!(
            median < Duration::from_millis(20),
            "a request of {count} URIs took {median:?} (the delayed-ACK stall is 40 ms)"
        );
    }
}

/// Lists in maps in lists, nulls, the extremes of a 64-bit integer, floats, text outside ASCII
/// (combining marks, CJK, an emoji) and temporal values read the same as before the driver
/// decoded records in one pass.
#[tokio::test]
async fn a_nested_record_decodes_as_before() {
    let database = common::fresh_database().await;
    let graph = common::connect(&database).await;
    let q = neo4rs::query(
        "RETURN {list: [1, [2, [3, null]], {inner: ['x', {deep: true}]}], none: null, \
         big: 9223372036854775807, small: -9223372036854775808, float: -1.5e300, \
         text: $text, empty_list: [], empty_map: {}} AS value, \
         [{a: 1}, {a: null, b: ['é']}] AS rows, null AS missing, \
         date('2025-03-01') AS day, \
         datetime('2025-03-01T12:34:56.789Z') AS at",
    )
    .param("text", "Zu\u{308}rich – 東京 🎓 \"quoted\" \\ back");
    let rows = graph.rows_unchecked(q).await.unwrap();
    let row = &rows[0];
    let value: Value = row.get("value").unwrap();
    assert_eq!(
        value,
        json!({"list": [1, [2, [3, null]], {"inner": ["x", {"deep": true}]}], "none": null,
            "big": 9223372036854775807i64, "small": -9223372036854775808i64, "float": -1.5e300,
            "text": "Zu\u{308}rich – 東京 🎓 \"quoted\" \\ back", "empty_list": [], "empty_map": {}})
    );
    let list: Vec<Value> = row.get("rows").unwrap();
    assert_eq!(list, vec![json!({"a": 1}), json!({"a": null, "b": ["é"]})]);
    assert_eq!(row.get::<Option<String>>("missing").unwrap(), None);
    {
        let day: chrono::NaiveDate = row.get("day").unwrap();
        assert_eq!(day, chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap());
        let at: chrono::DateTime<chrono::FixedOffset> = row.get("at").unwrap();
        assert_eq!(at.to_rfc3339(), "2025-03-01T12:34:56.789+00:00");
    }
    // The service's own read of a stored skill, through its typed boundary.
    let q =
        neo4rs::query("RETURN {uuid: 'u', name: $name, keywords: ['a', 'β'], version: 3} AS skill")
            .param("name", "Ünïcode 名前");
    let rows = graph.rows_unchecked(q).await.unwrap();
    let skill: Value = rows[0].get("skill").unwrap();
    assert_eq!(skill["name"], "Ünïcode 名前");
    assert_eq!(skill["keywords"], json!(["a", "β"]));
    assert_eq!(skill["version"], 3);
}

/// RESET messages among what clients sent through `proxy` (a RESET is one chunk of two bytes,
/// `B0 0F`, and the end marker; the recorded bytes are read as lossy UTF-8).
fn resets(proxy: &common::proxy::Proxy) -> usize {
    proxy.sent().matches("\0\u{2}\u{FFFD}\u{F}\0\0").count()
}

/// A connection handed back READY (its auto-commit query answered in full) is handed out again
/// without a RESET round trip; one whose query failed is reset before it is used again.
#[tokio::test]
async fn a_connection_left_ready_is_reused_without_a_reset_and_a_failed_one_is_reset() {
    let database = common::fresh_database().await;
    let target = common::bolt_uri(&database);
    let proxy =
        common::proxy::Proxy::start(target.trim_start_matches("bolt://").parse().unwrap()).await;
    let mut config = common::test_config(&database);
    config.db.uri = proxy.addr.to_string();
    let graph = skillgraph::graph::Graph::connect(&config.db).await.unwrap();
    let before = resets(&proxy);
    for i in 0..20i64 {
        let rows = (graph.rows_unchecked(neo4rs::query("RETURN $i AS i").param("i", i)))
            .await
            .unwrap();
        assert_eq!(rows[0].get::<i64>("i").unwrap(), i);
    }
    assert_eq!(resets(&proxy), before, "20 queries in a row sent a RESET");
    let failed = graph
        .rows_unchecked(neo4rs::query("RETURN 1 / $zero AS n").param("zero", 0))
        .await;
    assert!(failed.is_err(), "division by zero answered {failed:?}");
    let rows = graph
        .rows_unchecked(neo4rs::query("RETURN 2 AS n"))
        .await
        .unwrap();
    assert_eq!(rows[0].get::<i64>("n").unwrap(), 2);
    assert!(
        resets(&proxy) > before,
        "the connection whose query failed was used again without a RESET"
    );
}
