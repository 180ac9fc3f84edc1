//! GraphQL surface of file load tasks and the skill events they write.
use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, Result, SimpleObject};

use super::errors::{bad_input, db};
use super::jobs::start_error;
use super::pagination::page_bounds;
use super::skills::state;
use crate::graph::events;
use crate::ingest::file_load::s3::AwsCredentials;
use crate::ingest::file_load::{self, FileLoadRequest};
use crate::jobs::model::Job;
use crate::model::{Employee, SkillEvent};

/// The kinds of skill event a file may hold.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "file_load::EntityType")]
pub enum EntityType {
    Learning,
}

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
        state(ctx)?.start_file_load(req).await.map_err(start_error)
    }
}

#[ComplexObject]
impl Employee {
    /// The employee's learning events, newest first.
    async fn learning_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 0)] skip: i32,
        #[graphql(default = 20)] limit: i32,
    ) -> Result<Vec<SkillEvent>> {
        let state = state(ctx)?;
        let (skip, limit) = page_bounds(skip, limit, state.config.limits.max_page_size)?;
        events::page(&state.graph, Some(&self.external_id), skip, limit)
            .await
            .map_err(db)
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SkillEventPage {
    pub items: Vec<SkillEvent>,
    #[graphql(skip)]
    employee: Option<String>,
}

#[ComplexObject]
impl SkillEventPage {
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        events::count(&state(ctx)?.graph, self.employee.as_deref())
            .await
            .map_err(db)
    }
}

#[derive(Default)]
pub struct FileLoadQuery;

#[Object]
impl FileLoadQuery {
    /// One employee by external id; null when there is none.
    async fn employee(&self, ctx: &Context<'_>, external_id: String) -> Result<Option<Employee>> {
        let found = events::employee(&state(ctx)?.graph, &external_id)
            .await
            .map_err(db)?;
        Ok(found)
    }

    /// Skill events, newest first, optionally of one employee.
    async fn skill_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 0)] skip: i32,
        #[graphql(default = 20)] limit: i32,
        employee_external_id: Option<String>,
    ) -> Result<SkillEventPage> {
        let state = state(ctx)?;
        let (skip, limit) = page_bounds(skip, limit, state.config.limits.max_page_size)?;
        let found = events::page(&state.graph, employee_external_id.as_deref(), skip, limit)
            .await
            .map_err(db)?;
        Ok(SkillEventPage {
            items: found,
            employee: employee_external_id,
        })
    }
}
