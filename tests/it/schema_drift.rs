//! `schema.graphql` is generated from the code; this fails when the two drift apart.
//! Regenerate with `cargo run -- print-schema > schema.graphql`.
#[test]
fn schema_graphql_matches_the_code() {
    let generated = skillgraph::api::sdl();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema.graphql is out of date: run `cargo run -- print-schema > schema.graphql`"
    );
}
