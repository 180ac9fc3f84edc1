//! Employees and the skill events file loads write: the `employee` and `skillEvents` queries.
use async_graphql::{ComplexObject, Context, Enum, Object, Result, SimpleObject, ID};

use super::context::state;
use super::errors::db;
use super::event_content::SkillEventContent;
use super::node;
use super::pagination::{connection_cost, edges, keyset, page_bounds, Edge, PageInfo, COUNT_COST};
use crate::graph::{events, GraphError};
use crate::ingest::file_load;
use crate::model::{Employee, SkillEvent};

/// The Skill Event API's event types; a file holds one of them.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "file_load::EntityType")]
pub enum EntityType {
    WorkingHistory,
    EducationHistory,
    ResumeDocument,
    Learning,
    Feedback,
    Goal,
    Project,
    Ticket,
    Certificate,
    SkillNotes,
    SkillProfileFeedback,
}

fn type_name(t: Option<EntityType>) -> Option<&'static str> {
    t.map(|t| file_load::EntityType::from(t).name())
}

#[ComplexObject]
impl Employee {
    /// Global identifier (Relay); `node(id:)` fetches the employee.
    pub async fn id(&self) -> ID {
        node::id(node::Kind::Employee, &self.external_id)
    }
    /// The employee's learning events, newest first.
    async fn learning_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 0)] skip: i32,
        #[graphql(default = 20)] limit: i32,
    ) -> Result<Vec<SkillEvent>> {
        self.events(ctx, Some(EntityType::Learning), skip, limit)
            .await
    }

    /// The employee's skill events, newest first, optionally of one type.
    async fn events(
        &self,
        ctx: &Context<'_>,
        event_type: Option<EntityType>,
        #[graphql(default = 0)] skip: i32,
        #[graphql(default = 20)] limit: i32,
    ) -> Result<Vec<SkillEvent>> {
        let state = state(ctx)?;
        let limits = &state.config.limits;
        let at = page_bounds(skip, limit, limits.max_page_size, limits.max_offset)?;
        let employee = Some(self.external_id.as_str());
        events::page(&state.graph, employee, type_name(event_type), &at)
            .await
            .map_err(db)
    }
}

#[ComplexObject]
impl SkillEvent {
    /// Global identifier (Relay); `node(id:)` fetches the event.
    pub async fn id(&self) -> ID {
        node::id(node::Kind::SkillEvent, &self.external_id)
    }

    /// The event's content, typed by its event type; null for a type this version does not know.
    async fn content(&self) -> Result<Option<SkillEventContent>> {
        let Some(entity) = self.event_type.as_deref().and_then(|t| t.parse().ok()) else {
            return Ok(None);
        };
        SkillEventContent::new(entity, &self.content)
            .map(Some)
            .map_err(|e| {
                db(GraphError::Decode(format!(
                    "content of {}: {e}",
                    self.external_id
                )))
            })
    }

    #[graphql(deprecation = "use `content { ... on LearningContent { courseId } }`")]
    async fn course_id(&self) -> Option<String> {
        self.learning("course_id")
    }

    #[graphql(deprecation = "use `content { ... on LearningContent { learningTitle } }`")]
    async fn learning_title(&self) -> Option<String> {
        self.learning("learning_title")
    }

    #[graphql(deprecation = "use `content { ... on LearningContent { learningDescription } }`")]
    async fn learning_description(&self) -> Option<String> {
        self.learning("learning_description")
    }
}

impl SkillEvent {
    fn learning(&self, column: &str) -> Option<String> {
        self.content.get(column)?.as_str().map(str::to_string)
    }
}

/// One page of skill events.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SkillEventConnection {
    pub edges: Vec<Edge<SkillEvent>>,
    pub page_info: PageInfo,
    #[graphql(skip)]
    employee: Option<String>,
    #[graphql(skip)]
    event_type: Option<EntityType>,
}

#[ComplexObject]
impl SkillEventConnection {
    /// Number of events matching the filter, over all pages.
    #[graphql(complexity = "COUNT_COST")]
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let event_type = type_name(self.event_type);
        events::count(&state(ctx)?.graph, self.employee.as_deref(), event_type)
            .await
            .map_err(db)
    }
    /// The events of this page, without cursors.
    async fn nodes(&self) -> Vec<SkillEvent> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }
}

#[derive(Default)]
pub struct EventQuery;

#[Object]
impl EventQuery {
    /// One employee by external id; null when there is none.
    async fn employee(&self, ctx: &Context<'_>, external_id: String) -> Result<Option<Employee>> {
        let found = events::employee(&state(ctx)?.graph, &external_id)
            .await
            .map_err(db)?;
        Ok(found)
    }

    /// Skill events, newest first, optionally of one employee and of one type.
    #[graphql(complexity = "connection_cost(first, child_complexity, __field)")]
    async fn skill_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        employee_external_id: Option<String>,
        event_type: Option<EntityType>,
    ) -> Result<SkillEventConnection> {
        let state = state(ctx)?;
        let at = keyset(first, after.as_deref(), state.config.limits.max_page_size)?;
        let employee = employee_external_id.as_deref();
        let rows = events::page(&state.graph, employee, type_name(event_type), &at)
            .await
            .map_err(db)?;
        let (edges, page_info) = edges(rows, &at);
        Ok(SkillEventConnection {
            edges,
            page_info,
            employee: employee_external_id,
            event_type,
        })
    }
}
