// The read benchmark's peer: @neo4j/graphql over the same database as skillgraph, served over
// HTTP. Two adaptations to ArcadeDB, and nothing else: the `CYPHER 5` prefix the library puts
// before each statement is stripped, and its one `dbms.components()` call (a version check) is
// answered with a Neo4j 5 version.
import http from 'node:http';
import { graphql } from 'graphql';
import neo4j from 'neo4j-driver';
import { Neo4jGraphQL } from '@neo4j/graphql';

const env = (k, d) => process.env[k] ?? d;
const driver = neo4j.driver(
  `bolt://${env('SKILLGRAPH_NEO4J_URI', '127.0.0.1:7687').replace(/^bolt:\/\//, '')}`,
  neo4j.auth.basic(env('SKILLGRAPH_NEO4J_USER', 'root'), env('SKILLGRAPH_NEO4J_PASSWORD', 'skillgraph-test')),
);

const VERSION = "RETURN 'Neo4j Kernel' AS name, ['5.26.0'] AS versions, 'enterprise' AS edition";
const fix = (q) => {
  const text = typeof q === 'string' ? q : q.text;
  if (/dbms\.components\(\)/.test(text)) return VERSION;
  return text.replace(/^\s*CYPHER 5\s+/, '');
};
const bound = (t, k) => (typeof t[k] === 'function' ? t[k].bind(t) : t[k]);
const tx = (t) => new Proxy(t, {
  get: (t, k) => (k === 'run' ? (q, p, c) => t.run(fix(q), p, c) : bound(t, k)),
});
const session = (s) => new Proxy(s, {
  get(s, k) {
    if (k === 'run') return (q, p, c) => s.run(fix(q), p, c);
    if (k === 'executeRead' || k === 'executeWrite') return (work, cfg) => s[k]((t) => work(tx(t)), cfg);
    if (k === 'beginTransaction') return (...a) => tx(s.beginTransaction(...a));
    return bound(s, k);
  },
});
const adapted = new Proxy(driver, {
  get: (d, k) => (k === 'session' ? (...a) => session(d.session(...a)) : bound(d, k)),
});

const typeDefs = `#graphql
  type Skill @node {
    uuid: ID!
    name: String
    description: String
    source_name: String
    parentNodes: [Skill!]! @relationship(type: "CHILD_OF", direction: OUT)
    aligned: [Skill!]! @relationship(type: "ALIGNED_WITH", direction: OUT)
  }
`;
const schema = await new Neo4jGraphQL({ typeDefs, driver: adapted }).getSchema();
const sessionConfig = { database: env('SKILLGRAPH_NEO4J_DATABASE', 'skills') };

http
  .createServer((req, res) => {
    if (req.method === 'GET') return res.end('ok');
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const { query, variables } = JSON.parse(body);
      const result = await graphql({ schema, source: query, variableValues: variables, contextValue: { sessionConfig } });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(result));
    });
  })
  .listen(Number(env('PORT', '4000')), '127.0.0.1');
