//! The status and the type of a job: what the job node stores and the API shows, typed from
//! the graph up (stored as the snake_case word).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for a free runner slot on some replica.
    Queued,
    Active,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled
        )
    }
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    async_graphql::Enum,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum JobType {
    CredentialEngineIngestion,
    FileLoad,
    /// Undoes what an import changed (`revertJob`).
    RevertImport,
}

impl JobType {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
