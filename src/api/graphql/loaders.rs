//! Per-request DataLoaders: a nested field (parents, children, alignments, ...) of all skills at
//! one level of a query is fetched with one batched Cypher statement.
use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};

use super::errors::db_ref;
use crate::graph::skills;
use crate::graph::{Graph, GraphError};
use crate::model::{AlignmentEdge, Credential, Framework, Occupation, Skill};

macro_rules! batch_loader {
    ($name:ident, $value:ty, $fetch:path) => {
        pub struct $name(Graph);

        impl Loader<String> for $name {
            type Value = Vec<$value>;
            type Error = Arc<GraphError>;

            async fn load(
                &self,
                keys: &[String],
            ) -> Result<HashMap<String, Self::Value>, Self::Error> {
                $fetch(&self.0, keys).await.map_err(Arc::new)
            }
        }
    };
}

batch_loader!(ParentsLoader, Skill, skills::parents);
batch_loader!(ChildrenLoader, Skill, skills::children);
batch_loader!(FrameworkLoader, Framework, skills::frameworks_of);
batch_loader!(AlignmentLoader, (AlignmentEdge, Skill), skills::alignments);
batch_loader!(
    OccupationLoader,
    (AlignmentEdge, Occupation),
    skills::occupations
);
batch_loader!(
    CredentialLoader,
    (AlignmentEdge, Credential),
    skills::credentials
);

batch_loader!(AncestorLoader, (i64, Skill), skills::ancestors);
batch_loader!(DescendantLoader, (i64, Skill), skills::descendants);
batch_loader!(AncestorLinkLoader, (String, Skill), skills::ancestor_links);

pub struct Loaders {
    pub parents: DataLoader<ParentsLoader>,
    pub children: DataLoader<ChildrenLoader>,
    pub frameworks: DataLoader<FrameworkLoader>,
    pub alignments: DataLoader<AlignmentLoader>,
    pub occupations: DataLoader<OccupationLoader>,
    pub credentials: DataLoader<CredentialLoader>,
    pub ancestors: DataLoader<AncestorLoader>,
    pub descendants: DataLoader<DescendantLoader>,
    pub ancestor_links: DataLoader<AncestorLinkLoader>,
}

impl Loaders {
    pub fn new(graph: &Graph) -> Self {
        fn dl<L: Loader<String>>(loader: L) -> DataLoader<L> {
            DataLoader::new(loader, tokio::spawn)
        }
        Self {
            parents: dl(ParentsLoader(graph.clone())),
            children: dl(ChildrenLoader(graph.clone())),
            frameworks: dl(FrameworkLoader(graph.clone())),
            alignments: dl(AlignmentLoader(graph.clone())),
            occupations: dl(OccupationLoader(graph.clone())),
            credentials: dl(CredentialLoader(graph.clone())),
            ancestors: dl(AncestorLoader(graph.clone())),
            descendants: dl(DescendantLoader(graph.clone())),
            ancestor_links: dl(AncestorLinkLoader(graph.clone())),
        }
    }
}

/// One key's value from a batch loader (empty where the batch has none). The loader's own
/// error is kept, so an outage is answered as one (not as a decode error).
pub async fn load<L>(loader: &DataLoader<L>, uuid: &str) -> async_graphql::Result<L::Value>
where
    L: Loader<String, Error = std::sync::Arc<GraphError>>,
    L::Value: Default,
{
    match loader.load_one(uuid.to_string()).await {
        Ok(found) => Ok(found.unwrap_or_default()),
        Err(e) => Err(db_ref(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Unreachable;

    impl Loader<String> for Unreachable {
        type Value = Vec<Skill>;
        type Error = std::sync::Arc<GraphError>;
        async fn load(
            &self,
            _: &[String],
        ) -> std::result::Result<std::collections::HashMap<String, Vec<Skill>>, Self::Error>
        {
            Err(std::sync::Arc::new(GraphError::Unavailable(
                "paused".into(),
            )))
        }
    }

    #[tokio::test]
    async fn a_nested_field_meeting_an_outage_is_answered_as_one() {
        let loader = DataLoader::new(Unreachable, tokio::spawn);
        let err = load(&loader, "u").await.unwrap_err();
        let code = err.extensions.as_ref().and_then(|x| x.get("code")).cloned();
        assert_eq!(
            code,
            Some(async_graphql::Value::from("DATABASE_UNAVAILABLE"))
        );
    }
}
