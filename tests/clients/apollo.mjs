// Apollo Client with its default normalised cache: queries with fragments and variables, a
// mutation, and the cache keeping two alignments to one skill apart (they have ids of their own).
import apollo from '@apollo/client/core/core.cjs';
import { http, importUri, check, deadline } from './check.mjs';

const { ApolloClient, InMemoryCache, HttpLink, gql } = apollo;
deadline(60);
const client = new ApolloClient({ link: new HttpLink({ uri: http, fetch }), cache: new InMemoryCache() });

const SKILLS = gql`
  fragment SkillParts on Skill { id uuid name }
  query Skills($text: String) {
    skills(limit: 10, filter: { text: $text }) {
      ...SkillParts
      alignments { skillAlignment { source aligned { id uuid alignmentType skill { ...SkillParts } } } }
    }
  }
`;
const { data } = await client.query({ query: SKILLS, variables: { text: 'Alpha' } });
check(data.skills.length === 1 && data.skills[0].name === 'Alpha', 'a query with a fragment and variables', data);
const groups = data.skills[0].alignments.skillAlignment;
const types = groups.map((g) => g.aligned[0].alignmentType).sort();
check(JSON.stringify(types) === '["broad","exact"]', 'the cache shows both alignment types (exact and broad)', groups);
check(groups.every((g) => g.aligned[0].skill.name === 'Beta'), 'both edges lead to the same skill', groups);

// The cache normalised the target skill once, by its global id.
const beta = groups[0].aligned[0].skill;
const cached = client.cache.readFragment({
  id: client.cache.identify(beta),
  fragment: gql`fragment B on Skill { name }`,
});
check(cached?.name === 'Beta', 'skills are normalised by their id', cached);

const IMPORT = gql`
  mutation Import($u: [String!]!) { importCredentialEngine(competencyFrameworks: $u) { id name status } }
`;
const started = await client.mutate({ mutation: IMPORT, variables: { u: [importUri] } });
const job = started.data.importCredentialEngine;
check(job.id && job.name, 'a mutation returns the job with its id', job);
const JOB = gql`query Job($n: String!) { job(jobName: $n) { id name status } }`;
const again = await client.query({ query: JOB, variables: { n: job.name }, fetchPolicy: 'network-only' });
check(again.data.job.id === job.id, 'the job keeps its id across queries', again.data);
