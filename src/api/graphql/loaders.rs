//! Per-request loaders: a nested field (parents, children, alignments, ...) of all skills at one
//! level of a query is fetched with one batched Cypher statement (see `batch`).
use std::sync::Arc;

use futures::future::FutureExt;

use super::batch::{Batcher, Fetch, Fetched, Scope};
use super::errors::db_ref;
use crate::graph::skills;
use crate::graph::{Graph, GraphError};
use crate::model::{AlignmentEdge, Credential, Framework, Occupation, Skill};

macro_rules! batch_fetch {
    ($name:ident, $value:ty, $fetch:path) => {
        pub struct $name(Graph);

        impl Fetch for $name {
            type Value = Vec<$value>;
            type Error = Arc<GraphError>;

            fn fetch(&self, keys: Vec<String>) -> Fetched<Self::Value, Self::Error> {
                let graph = self.0.clone();
                async move { $fetch(&graph, &keys).await.map_err(Arc::new) }.boxed()
            }
        }
    };
}

batch_fetch!(Parents, Skill, skills::parents);
batch_fetch!(Children, Skill, skills::children);
batch_fetch!(Frameworks, Framework, skills::frameworks_of);
batch_fetch!(Alignments, (AlignmentEdge, Skill), skills::alignments);
batch_fetch!(
    Occupations,
    (AlignmentEdge, Occupation),
    skills::occupations
);
batch_fetch!(
    Credentials,
    (AlignmentEdge, Credential),
    skills::credentials
);
batch_fetch!(Ancestors, (i64, Skill), skills::ancestors);
batch_fetch!(Descendants, (i64, Skill), skills::descendants);
batch_fetch!(AncestorLinks, (String, Skill), skills::ancestor_links);

pub struct Loaders {
    pub parents: Batcher<Parents>,
    pub children: Batcher<Children>,
    pub frameworks: Batcher<Frameworks>,
    pub alignments: Batcher<Alignments>,
    pub occupations: Batcher<Occupations>,
    pub credentials: Batcher<Credentials>,
    pub ancestors: Batcher<Ancestors>,
    pub descendants: Batcher<Descendants>,
    pub ancestor_links: Batcher<AncestorLinks>,
}

impl Loaders {
    /// The loaders of one request (or connection), batched by `scope`: run the request inside
    /// it ([`Scope::run`]), or each key is fetched alone.
    pub fn new(graph: &Graph, scope: &Scope) -> Self {
        let g = || graph.clone();
        Self {
            parents: scope.batcher(Parents(g())),
            children: scope.batcher(Children(g())),
            frameworks: scope.batcher(Frameworks(g())),
            alignments: scope.batcher(Alignments(g())),
            occupations: scope.batcher(Occupations(g())),
            credentials: scope.batcher(Credentials(g())),
            ancestors: scope.batcher(Ancestors(g())),
            descendants: scope.batcher(Descendants(g())),
            ancestor_links: scope.batcher(AncestorLinks(g())),
        }
    }
}

/// One key's value from a batch loader (empty where the batch has none). The loader's own
/// error is kept, so an outage is answered as one (not as a decode error).
pub async fn load<F>(loader: &Batcher<F>, uuid: &str) -> async_graphql::Result<F::Value>
where
    F: Fetch<Error = Arc<GraphError>>,
{
    loader.load(uuid).await.map_err(|e| db_ref(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Unreachable;

    impl Fetch for Unreachable {
        type Value = Vec<Skill>;
        type Error = Arc<GraphError>;
        fn fetch(&self, _: Vec<String>) -> Fetched<Vec<Skill>, Self::Error> {
            async { Err(Arc::new(GraphError::Unavailable("paused".into()))) }.boxed()
        }
    }

    #[tokio::test]
    async fn a_nested_field_meeting_an_outage_is_answered_as_one() {
        let scope = Scope::default();
        let loader = scope.batcher(Unreachable);
        let err = scope.run(load(&loader, "u")).await.unwrap_err();
        let code = err.extensions.as_ref().and_then(|x| x.get("code")).cloned();
        assert_eq!(
            code,
            Some(async_graphql::Value::from("DATABASE_UNAVAILABLE"))
        );
    }
}
