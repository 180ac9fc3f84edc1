//! Per-request DataLoaders: a nested field (parents, children, alignments, ...) of all skills at
//! one level of a query is fetched with one batched Cypher statement.
use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};

use crate::graph::skills;
use crate::graph::{Graph, GraphError};
use crate::model::AlignmentEdge;
use crate::model::{Credential, Framework, Occupation, Skill};

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

pub struct Loaders {
    pub parents: DataLoader<ParentsLoader>,
    pub children: DataLoader<ChildrenLoader>,
    pub frameworks: DataLoader<FrameworkLoader>,
    pub alignments: DataLoader<AlignmentLoader>,
    pub occupations: DataLoader<OccupationLoader>,
    pub credentials: DataLoader<CredentialLoader>,
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
        }
    }
}
