// The read benchmark's peer: @neo4j/graphql over the same Neo4j database as skillgraph, served
// over HTTP, with the library's own driver and statements as its users run them.
import http from 'node:http';
import { graphql } from 'graphql';
import neo4j from 'neo4j-driver';
import { Neo4jGraphQL } from '@neo4j/graphql';

const env = (k, d) => process.env[k] ?? d;
const driver = neo4j.driver(
  `bolt://${env('SKILLGRAPH_NEO4J_URI', '127.0.0.1:7687').replace(/^bolt:\/\//, '')}`,
  neo4j.auth.basic(env('SKILLGRAPH_NEO4J_USER', 'neo4j'), env('SKILLGRAPH_NEO4J_PASSWORD', 'skillgraph-test')),
);

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
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const sessionConfig = { database: env('SKILLGRAPH_NEO4J_DATABASE', 'neo4j') };

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
