// Everything before the command runs, shared by a run and --check: read the sources,
// build the child's environment, resolve the user, render the templates in memory.
// Problems are collected, not thrown.

import type { Config } from './cli/config.js';
import { withoutTwins } from './cli/config.js';
import { Problems } from './errors.js';
import type { Logger } from './log.js';
import { buildEnv } from './mapping/build-env.js';
import { resolveUser, type Caller, type Credentials } from './privileges/resolve-user.js';
import { checkCanSwitch, loadUserDb } from './privileges/switch-user.js';
import { actorFor, type Actor } from './safe-fs/actor.js';
import { readSources, type Sources } from './secrets/read-sources.js';
import type { RenderedFile, TemplateFile } from './templates/index.js';
import { envObject, sortedByName, type MadeVariable, type Secret } from './types.js';

/** A prepared run: what the child gets and who it runs as, plus every problem found. */
export interface Prepared {
  readonly env: Record<string, string>;
  readonly variables: readonly MadeVariable[];
  /** Secrets that became no variable. */
  readonly unexported: readonly Secret[];
  readonly credentials: Credentials | undefined;
  /** Who a root runsecrets acts as on paths the command's user can change (safe-fs); undefined when there is no one to act as. */
  readonly actor: Actor | undefined;
  /** Every template file found for --template, rendered or not. */
  readonly templateFiles: readonly TemplateFile[];
  /** The templates that rendered, in memory; written by main.ts only if there is no problem. */
  readonly rendered: readonly RenderedFile[];
  readonly problems: Problems;
}

/** Reads, maps and resolves; never writes, switches or starts anything. */
export async function prepare(config: Config, inheritedEnv: Readonly<Record<string, string | undefined>>, caller: Caller, log: Logger): Promise<Prepared> {
  const problems = new Problems();
  const inherited = withoutTwins(inheritedEnv);
  // The user first: what root reads on paths that user can change, it reads as that user.
  const credentials = config.user === undefined ? undefined : problems.attempt(() => resolveCredentials(config.user as string, caller));
  const actor = actorFor(credentials, caller.uid);
  const sources = await readSources(config, inherited, actor, problems, log);
  const plan = buildEnv(config, sources, inherited, problems, log);
  const env = credentials === undefined ? plan.env : envObject(plan.env, { HOME: credentials.home });
  const { templateFiles, rendered } = await renderTemplates(config, sources, env, actor, problems);
  return { env, variables: plan.variables, unexported: unexportedSecrets(sources, plan.variables), credentials, actor, templateFiles, rendered, problems };
}

/** Renders every --template against the secrets and the child's final env; liquidjs is loaded only when there is one. */
async function renderTemplates(config: Config, sources: Sources, env: Record<string, string>, actor: Actor | undefined, problems: Problems): Promise<Pick<Prepared, 'templateFiles' | 'rendered'>> {
  if (config.templates.length === 0) return { templateFiles: [], rendered: [] };
  const templates = await import('./templates/index.js');
  const templateFiles = templates.discoverTemplates(config.templates, problems);
  return { templateFiles, rendered: await templates.renderTemplateFiles(templateFiles, { secrets: sources.secrets, env }, actor, problems) };
}

function resolveCredentials(spec: string, caller: Caller): Credentials {
  const { passwd, group } = loadUserDb();
  const credentials = resolveUser(spec, passwd, group, caller);
  checkCanSwitch(spec, credentials, caller);
  return credentials;
}

function unexportedSecrets(sources: Sources, variables: readonly MadeVariable[]): Secret[] {
  const used = new Set<string>();
  for (let i = 0; i < variables.length; i += 1) {
    const secret = (variables[i] as MadeVariable).secret;
    if (secret !== undefined) used.add(secret);
  }
  const all = sortedByName(sources.secrets);
  const unused: Secret[] = [];
  for (let i = 0; i < all.length; i += 1) if (!used.has((all[i] as Secret).name)) unused.push(all[i] as Secret);
  return unused;
}
