// Compiled with `tsc --strict` against the generated types: they must describe what the
// operations return.
import type { SkillsQuery, JobQuery, ImportMutationVariables, JobStatus, NodeQuery } from './generated/graphql';

export function names(q: SkillsQuery): string[] {
  return q.skillConnection.edges.map((e) => e.node.name ?? '');
}

export function done(q: JobQuery): boolean {
  const status: JobStatus | undefined = q.job?.status;
  return q.job?.finished === true && status !== undefined;
}

export const vars: ImportMutationVariables = { uris: ['https://credentialengineregistry.org/resources/ce-x'] };

export function typename(q: NodeQuery): string | undefined {
  return q.node?.__typename;
}
