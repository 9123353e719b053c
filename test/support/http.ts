import type { Express } from 'express';
import request from 'supertest';
import { paths } from '../../src/paths';
import { TEST_PASSWORD } from './factories';

export type Agent = ReturnType<typeof request.agent>;

export function csrfTokenFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No CSRF token in the page');
  return match[1]!;
}

/** The page's hidden fields (such as the version a form was based on), as a browser would send them. */
export function hiddenFieldsFrom(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]!] = match[2]!;
  return fields;
}

/** GETs the page to get its CSRF token and hidden fields, then POSTs the form with them, as a browser would. */
export async function submitForm(agent: Agent, formPath: string, fields: Record<string, string | string[]>, postPath = formPath) {
  const page = await agent.get(formPath);
  return agent
    .post(postPath)
    .type('form')
    .send({ ...hiddenFieldsFrom(page.text), ...fields, _csrf: csrfTokenFrom(page.text) });
}

export async function signedInAgent(app: Express, email: string, password = TEST_PASSWORD): Promise<Agent> {
  const agent = request.agent(app);
  const response = await submitForm(agent, paths.signIn, { email, password });
  if (response.status !== 302) throw new Error(`Sign-in as ${email} failed with ${response.status}`);
  return agent;
}
