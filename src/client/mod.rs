//! A command-line client of a running service: it speaks only the public GraphQL API (HTTP for
//! queries and mutations, graphql-transport-ws for the job subscription), like any other client.
mod progress;

use anyhow::{anyhow, bail, Context};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use progress::JobProgress;

const JOB_FIELDS: &str = "name type status message finished
    progress { frameworksTotal frameworksDone competenciesTotal competenciesDone rowsRead rowsLoaded rowsRejected }
    errors { target line message } errorsDropped";

/// Where the service is and who calls it.
#[derive(clap::Args, Clone, Debug)]
pub struct ClientArgs {
    /// The service's base URL.
    #[arg(long, env = "SKILLGRAPH_URL", default_value = "http://127.0.0.1:8080")]
    pub url: url::Url,
    /// Bearer token (API key or JWT) for the service, if it asks for one.
    #[arg(long, env = "SKILLGRAPH_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

pub struct Client {
    http: reqwest::Client,
    args: ClientArgs,
}

impl Client {
    pub fn new(args: ClientArgs) -> Self {
        Self {
            http: reqwest::Client::new(),
            args,
        }
    }

    fn endpoint(&self) -> anyhow::Result<url::Url> {
        Ok(self.args.url.join("graphql")?)
    }

    /// Runs a query or mutation; GraphQL errors become one error naming their codes.
    pub async fn gql(&self, query: &str, variables: Value) -> anyhow::Result<Value> {
        let mut req = self
            .http
            .post(self.endpoint()?)
            .json(&json!({"query": query, "variables": variables}));
        if let Some(token) = &self.args.token {
            req = req.bearer_auth(token);
        }
        let resp = req
            .send()
            .await
            .with_context(|| format!("could not reach the service at {}", self.args.url))?;
        let status = resp.status();
        let body: Value = resp
            .json()
            .await
            .with_context(|| format!("the service answered HTTP {status} without JSON"))?;
        if let Some(errors) = body["errors"].as_array().filter(|e| !e.is_empty()) {
            let text: Vec<String> = errors
                .iter()
                .map(|e| {
                    format!(
                        "{} ({})",
                        e["message"].as_str().unwrap_or("error"),
                        e["extensions"]["code"].as_str().unwrap_or("no code")
                    )
                })
                .collect();
            bail!("{}", text.join("; "));
        }
        Ok(body["data"].clone())
    }

    pub async fn import_credential_engine(&self, uris: &[String]) -> anyhow::Result<Value> {
        let q = format!(
            "mutation($u:[String!]!){{ importCredentialEngine(competencyFrameworks:$u){{ {JOB_FIELDS} }} }}"
        );
        Ok(self.gql(&q, json!({"u": uris})).await?["importCredentialEngine"].take())
    }

    /// Starts a file load; the credentials go in this one request and nowhere else.
    pub async fn load(
        &self,
        uri: &str,
        entity_type: &str,
        credentials: (String, String, Option<String>),
    ) -> anyhow::Result<Value> {
        let q = format!(
            "mutation($i: FileLoadTaskInput!){{ createFileLoadTask(input: $i){{ {JOB_FIELDS} }} }}"
        );
        let (key, secret, token) = credentials;
        let input = json!({"entityType": entity_type.to_uppercase(), "method": "S3_IAM_USER", "uri": uri,
            "credentials": {"awsAccessKeyId": key, "awsSecretAccessKey": secret, "awsSessionToken": token}});
        Ok(self.gql(&q, json!({"i": input})).await?["createFileLoadTask"].take())
    }

    pub async fn jobs(&self, first: i32) -> anyhow::Result<Vec<Value>> {
        let q = "query($f:Int!){ jobs(first:$f){ nodes { name type status createdTime finishedTime message } } }";
        let mut data = self.gql(q, json!({"f": first})).await?;
        Ok(data["jobs"]["nodes"]
            .as_array_mut()
            .map(std::mem::take)
            .unwrap_or_default())
    }

    /// Follows a job through `jobUpdates` until it ends; `each` sees every update.
    /// Follows `job` to its end, drawing progress on stderr; returns whether it succeeded.
    pub async fn follow_job(&self, job: &Value) -> anyhow::Result<bool> {
        let name = job["name"].as_str().unwrap_or_default().to_string();
        let progress = JobProgress::start(job);
        match self.watch(&name, |j| progress.update(j)).await {
            Ok(end) => Ok(progress.finish(&end)),
            Err(e) => {
                progress.clear();
                Err(e)
            }
        }
    }

    pub async fn watch(&self, name: &str, mut each: impl FnMut(&Value)) -> anyhow::Result<Value> {
        let mut url = self.endpoint()?;
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        url.set_scheme(scheme)
            .map_err(|_| anyhow!("cannot follow jobs over {}", self.args.url))?;
        let mut req = url.as_str().into_client_request()?;
        req.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().expect("static header"),
        );
        let (mut ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .with_context(|| format!("could not open a WebSocket to {url}"))?;
        let payload = match &self.args.token {
            Some(t) => json!({"Authorization": format!("Bearer {t}")}),
            None => json!({}),
        };
        let text = |v: Value| Message::Text(v.to_string().into());
        ws.send(text(json!({"type": "connection_init", "payload": payload})))
            .await?;
        let query =
            format!("subscription($n:String!){{ jobUpdates(jobName:$n){{ {JOB_FIELDS} }} }}");
        let mut last = Value::Null;
        while let Some(msg) = ws.next().await {
            let Message::Text(raw) = msg? else { continue };
            let v: Value = serde_json::from_str(&raw)?;
            match v["type"].as_str().unwrap_or_default() {
                "connection_ack" => {
                    ws.send(text(json!({"id": "1", "type": "subscribe",
                        "payload": {"query": query, "variables": {"n": name}}})))
                        .await?
                }
                "next" => {
                    last = v["payload"]["data"]["jobUpdates"].clone();
                    each(&last);
                }
                "error" => bail!("the subscription failed: {}", v["payload"]),
                "complete" => return Ok(last),
                "ping" => ws.send(text(json!({"type": "pong"}))).await?,
                _ => {}
            }
        }
        if last["finished"] == true {
            Ok(last)
        } else {
            bail!("the connection to the service closed before the job ended")
        }
    }
}

/// AWS credentials as the AWS tools find them: the standard environment variables, else the
/// profile (`profile`, `AWS_PROFILE`, or `default`) of the shared credentials and config files.
/// Never printed.
pub async fn aws_credentials(
    profile: Option<&str>,
) -> anyhow::Result<(String, String, Option<String>)> {
    use aws_config::environment::EnvironmentVariableCredentialsProvider;
    use aws_config::profile::ProfileFileCredentialsProvider;
    use aws_credential_types::provider::ProvideCredentials;
    let from_env = EnvironmentVariableCredentialsProvider::new()
        .provide_credentials()
        .await;
    let creds = match (from_env, profile) {
        (Ok(c), None) => c,
        (_, profile) => {
            let mut builder = ProfileFileCredentialsProvider::builder();
            if let Some(p) = profile {
                builder = builder.profile_name(p);
            }
            builder.build().provide_credentials().await.map_err(|e| {
                anyhow!(
                    "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile \
                     of ~/.aws/credentials with --profile or AWS_PROFILE ({e})"
                )
            })?
        }
    };
    Ok((
        creds.access_key_id().to_string(),
        creds.secret_access_key().to_string(),
        creds.session_token().map(str::to_string),
    ))
}

/// Recent jobs, one a line.
pub fn print_jobs(jobs: &[Value]) {
    let rows: Vec<[String; 4]> = jobs
        .iter()
        .map(|j| {
            let s = |k: &str| j[k].as_str().unwrap_or("").to_string();
            [s("name"), s("type"), s("status"), s("createdTime")]
        })
        .collect();
    progress::table(&["job", "type", "status", "created"], &rows);
}
