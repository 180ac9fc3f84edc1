//! The `createFileLoadTask` mutation: a CSV of one Skill Event type in S3, loaded by a job.
use async_graphql::{Context, Enum, InputObject, Object, Result};

use super::context::{require, state};
use super::errors::bad_input;
use super::events::EntityType;
use super::jobs::start_error;
use crate::api::auth::Role;
use crate::ingest::file_load::s3::AwsCredentials;
use crate::ingest::file_load::{self, FileLoadRequest};
use crate::jobs::model::Job;

/// How the service reaches the file.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "file_load::LoadMethod")]
pub enum LoadMethod {
    /// An IAM user's access key (optionally with a session token).
    S3IamUser,
}

/// Marked secret so GraphQL tooling never logs them.
#[derive(InputObject)]
pub struct AwsCredentialsInput {
    #[graphql(secret)]
    pub aws_access_key_id: String,
    #[graphql(secret)]
    pub aws_secret_access_key: String,
    #[graphql(secret)]
    pub aws_session_token: Option<String>,
}

#[derive(InputObject)]
pub struct FileLoadTaskInput {
    pub entity_type: EntityType,
    pub method: LoadMethod,
    /// `s3://bucket/key.csv`
    pub uri: String,
    pub credentials: AwsCredentialsInput,
}

#[derive(Default)]
pub struct FileLoadMutation;

#[Object]
impl FileLoadMutation {
    /// Starts loading a CSV of skill events from S3. Returns the task (a job) at once.
    async fn create_file_load_task(
        &self,
        ctx: &Context<'_>,
        input: FileLoadTaskInput,
    ) -> Result<Job> {
        // The role first: a reader learns nothing about what input would be accepted.
        let who = require(ctx, Role::Editor)?;
        let c = input.credentials;
        let creds = AwsCredentials {
            access_key_id: c.aws_access_key_id,
            secret_access_key: c.aws_secret_access_key,
            session_token: c.aws_session_token,
        };
        let req = FileLoadRequest::new(
            input.entity_type.into(),
            input.method.into(),
            &input.uri,
            creds,
        )
        .map_err(|e| bad_input(e.to_string()))?;
        state(ctx)?
            .start_file_load(who, req)
            .await
            .map_err(start_error)
    }
}
